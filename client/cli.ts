#!/usr/bin/env node
import { defineCommand, renderUsage, runCommand, type CommandDef } from 'citty'
import { checkFlags, describeError, findCommand, isDebug, stripAnsi } from '../shared/cli-support.js'
import { CliError } from '../shared/errors.js'

type Lazy = () => Promise<CommandDef<any>>
const load = (name: string): Lazy => () => import(`./commands/${name}.js`).then((m: { default: CommandDef<any> }) => m.default)

// Each command module is imported only when it runs, so `sync --check` never pays for the rest.
const commands: Record<string, Lazy> = {
  templates: load('templates'),
  info: load('info'),
  add: load('add'),
  list: load('list'),
  outdated: load('outdated'),
  diff: load('diff'),
  sync: load('sync'),
  pin: load('pin'),
  unpin: load('unpin'),
  override: load('override'),
  rollback: load('rollback'),
  adopt: load('adopt'),
  key: load('key'),
  doctor: load('doctor'),
  registry: load('registry'),
  publish: load('publish'),
  deprecate: load('deprecate'),
  'dist-tag': load('dist-tag'),
}

const main = defineCommand({
  meta: {
    name: 'claude-multi',
    description: 'Keep Claude Code provider wrappers on the newest template version, keeping your edits',
  },
  subCommands: commands,
})

async function version(): Promise<string> {
  const { readFileSync } = await import('node:fs')
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}

/** Aliases are mapped here: citty would import every command to look for one. */
const ALIASES: Record<string, string> = { search: 'templates' }

const plain = (text: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? text : stripAnsi(text))

async function run(argvIn: string[]): Promise<number> {
  // --allow-expired applies to every command that reads a registry (client/trust reads the variable).
  const argv = argvIn.filter((a) => a !== '--allow-expired')
  if (argv.length !== argvIn.length) process.env.CLAUDE_MULTI_ALLOW_EXPIRED = '1'
  const at = argv.findIndex((a) => !a.startsWith('-'))
  const rawArgs = at >= 0 && ALIASES[argv[at]!] ? argv.map((a, i) => (i === at ? ALIASES[a]! : a)) : argv
  if (rawArgs.includes('--help') || rawArgs.includes('-h') || rawArgs.length === 0) {
    const [cmd, parent] = await findCommand(main, rawArgs)
    process.stdout.write(plain(await renderUsage(cmd, parent)) + '\n')
    return 0
  }
  if (rawArgs.length === 1 && (rawArgs[0] === '--version' || rawArgs[0] === '-v')) {
    process.stdout.write((await version()) + '\n')
    return 0
  }
  const first = rawArgs.find((a) => !a.startsWith('-'))
  if (!first || !(first in commands))
    throw new CliError('E_USAGE', `unknown command "${first ?? rawArgs[0]}"`, 2, `run \`claude-multi --help\` to see the commands`)
  await checkFlags('claude-multi', main, rawArgs)
  await runCommand(main, { rawArgs })
  return typeof process.exitCode === 'number' ? process.exitCode : 0
}

function report(err: unknown): number {
  const { text, exitCode } = describeError('claude-multi', err, isDebug(process.env.DEBUG))
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
