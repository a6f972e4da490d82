#!/usr/bin/env node
import { defineCommand, renderUsage, runCommand, type CommandDef } from 'citty'
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

const debug = () => (process.env.DEBUG ?? '').split(',').some((d) => d.trim() === 'claude-multi' || d.trim() === '*')

async function helpTarget(args: string[]): Promise<[CommandDef<any>, CommandDef<any> | undefined]> {
  let cmd: CommandDef<any> = main
  let parent: CommandDef<any> | undefined
  for (const arg of args) {
    if (arg.startsWith('-')) continue
    const subs = typeof cmd.subCommands === 'function' ? await cmd.subCommands() : await cmd.subCommands
    const next = subs?.[arg]
    if (!next) break
    parent = cmd
    cmd = typeof next === 'function' ? await next() : await next
  }
  return [cmd, parent]
}

async function run(rawArgs: string[]): Promise<number> {
  if (rawArgs.includes('--help') || rawArgs.includes('-h') || rawArgs.length === 0) {
    const [cmd, parent] = await helpTarget(rawArgs)
    process.stdout.write(`${await renderUsage(cmd, parent)}\n`)
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
  await runCommand(main, { rawArgs })
  return typeof process.exitCode === 'number' ? process.exitCode : 0
}

function report(err: unknown): number {
  if (debug() && err instanceof Error) process.stderr.write(`${err.stack}\n`)
  if (err instanceof CliError) {
    process.stderr.write(`claude-multi-registry: ${err.message}${err.hint ? ` (${err.hint})` : ''}\n`)
    return err.exitCode
  }
  // citty's own errors are about the command line: a missing argument, an unknown subcommand.
  if (err instanceof Error && err.name === 'CLIError') {
    process.stderr.write(`claude-multi-registry: ${err.message.replace(/\x1b\[[0-9;]*m/g, '')} (see --help)\n`)
    return 2
  }
  const message = err instanceof Error ? err.message : String(err)
  process.stderr.write(`claude-multi-registry: ${message}${debug() ? '' : ' (set DEBUG=claude-multi for details)'}\n`)
  return 1
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err) => {
    process.exitCode = report(err)
  },
)
