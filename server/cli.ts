#!/usr/bin/env node
import { defineCommand, renderUsage, runCommand, type CommandDef } from 'citty'
import { checkFlags, describeError, findCommand, isDebug, stripAnsi } from '../shared/cli-support.js'
import { CliError } from '../shared/errors.js'

type Lazy = () => Promise<CommandDef<any>>
const load = (name: string): Lazy => () => import(`./commands/${name}.js`).then((m: { default: CommandDef<any> }) => m.default)

// Each command module (and its dependencies: hono, zod, the postgres driver) loads only when used.
const commands: Record<string, Lazy> = {
  serve: load('serve'),
  validate: load('validate'),
  build: load('build'),
  token: load('token'),
  import: load('import'),
  export: load('export'),
  watch: load('watch'),
  bump: load('bump'),
  keygen: load('keygen'),
}

const main = defineCommand({
  meta: { name: 'claude-multi-registry', description: 'Serve, validate and build a claude-multi template registry' },
  subCommands: commands,
})

async function run(rawArgs: string[]): Promise<number> {
  if (rawArgs.includes('--help') || rawArgs.includes('-h') || rawArgs.length === 0) {
    const [cmd, parent] = await findCommand(main, rawArgs)
    const usage = await renderUsage(cmd, parent)
    process.stdout.write(`${process.stdout.isTTY && !process.env.NO_COLOR ? usage : stripAnsi(usage)}\n`)
    return 0
  }
  if (rawArgs.length === 1 && (rawArgs[0] === '--version' || rawArgs[0] === '-v')) {
    const { readFileSync } = await import('node:fs')
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    process.stdout.write(`${pkg.version}\n`)
    return 0
  }
  const first = rawArgs.find((a) => !a.startsWith('-'))
  if (!first || !(first in commands)) {
    throw new CliError('E_USAGE', `unknown command "${first ?? rawArgs[0]}"`, 2, 'run `claude-multi-registry --help` to see the commands')
  }
  await checkFlags('claude-multi-registry', main, rawArgs)
  await runCommand(main, { rawArgs })
  return typeof process.exitCode === 'number' ? process.exitCode : 0
}

function report(err: unknown): number {
  const { text, exitCode } = describeError('claude-multi-registry', err, isDebug(process.env.DEBUG))
  process.stderr.write(text)
  return exitCode
}

// Output piped into `head` closes early; that is the reader's choice, not an error to report.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
})

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err) => {
    process.exitCode = report(err)
  },
)
