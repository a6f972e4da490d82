#!/usr/bin/env node
import { defineCommand, renderUsage, runCommand, type CommandDef } from 'citty'
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

const debug = () => (process.env.DEBUG ?? '').split(',').some((d) => d.trim() === 'claude-multi' || d.trim() === '*')

/** The command a help request is about: `registry add --help` → the `add` subcommand of `registry`. */
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

/**
 * citty accepts any flag; a typo such as `sync --dryrun` would then write for real. Every flag must
 * be one the command declares.
 */
async function checkFlags(rawArgs: string[]): Promise<void> {
  const [cmd] = await helpTarget(rawArgs)
  const defs = (typeof cmd.args === 'function' ? await cmd.args() : await cmd.args) ?? {}
  const known = new Set<string>()
  for (const [name, def] of Object.entries(defs as Record<string, { alias?: string | string[] }>)) {
    known.add(name)
    for (const a of [def.alias ?? []].flat()) known.add(a)
  }
  for (const arg of rawArgs) {
    if (arg === '--') break
    if (!arg.startsWith('-') || arg === '-') continue
    const name = arg.replace(/^--?(no-)?/, '').split('=')[0]!
    if (!known.has(name)) {
      const meta = typeof cmd.meta === 'function' ? await cmd.meta() : await cmd.meta
      throw new CliError('E_USAGE', `unknown option ${arg.split('=')[0]} for \`${meta?.name ?? 'claude-multi'}\``, 2, `run \`claude-multi ${meta?.name ?? ''} --help\``)
    }
  }
}

async function version(): Promise<string> {
  const { readFileSync } = await import('node:fs')
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}

/** Aliases are mapped here: citty would import every command to look for one. */
const ALIASES: Record<string, string> = { search: 'templates' }

const plain = (text: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? text : text.replace(/\x1b\[[0-9;]*m/g, ''))

async function run(argvIn: string[]): Promise<number> {
  // --allow-expired applies to every command that reads a registry (client/trust reads the variable).
  const argv = argvIn.filter((a) => a !== '--allow-expired')
  if (argv.length !== argvIn.length) process.env.CLAUDE_MULTI_ALLOW_EXPIRED = '1'
  const at = argv.findIndex((a) => !a.startsWith('-'))
  const rawArgs = at >= 0 && ALIASES[argv[at]!] ? argv.map((a, i) => (i === at ? ALIASES[a]! : a)) : argv
  if (rawArgs.includes('--help') || rawArgs.includes('-h') || rawArgs.length === 0) {
    const [cmd, parent] = await helpTarget(rawArgs)
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
  await checkFlags(rawArgs)
  await runCommand(main, { rawArgs })
  return typeof process.exitCode === 'number' ? process.exitCode : 0
}

function report(err: unknown): number {
  if (debug() && err instanceof Error) process.stderr.write(`${err.stack}\n`)
  if (err instanceof CliError) {
    process.stderr.write(`claude-multi: ${err.message}${err.hint ? ` (${err.hint})` : ''}\n`)
    return err.exitCode
  }
  // citty throws its own error for a missing positional or a bad enum value: a usage error.
  if (err instanceof Error && err.name === 'CLIError') {
    process.stderr.write(`claude-multi: ${err.message.replace(/\x1b\[[0-9;]*m/g, '')} (see --help)\n`)
    return 2
  }
  const message = err instanceof Error ? err.message : String(err)
  process.stderr.write(`claude-multi: unexpected error: ${message}${debug() ? '' : ' (set DEBUG=claude-multi for details)'}\n`)
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
