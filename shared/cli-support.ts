/**
 * What both command-line entry points share: finding the command a request is about, refusing
 * flags a command does not declare, and turning any error into one line and an exit code. Pure:
 * the entry points do the printing and set the exit code.
 */
import type { CommandDef } from 'citty'
import { CliError, UsageError, ValidationError } from './errors.js'
import { safeText } from './text.js'

type AnyCommand = CommandDef<any>
const resolve = async <T>(value: T | (() => T | Promise<T>) | Promise<T>): Promise<T> =>
  typeof value === 'function' ? await (value as () => T | Promise<T>)() : await value

export const stripAnsi = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, '')

export const isDebug = (debugEnv: string | undefined): boolean =>
  (debugEnv ?? '').split(',').some((d) => d.trim() === 'claude-multi' || d.trim() === '*')

/** The command a request is about: `registry add --help` → `add` under `registry`. */
export async function findCommand(main: AnyCommand, args: string[]): Promise<[AnyCommand, AnyCommand | undefined]> {
  let cmd = main
  let parent: AnyCommand | undefined
  for (const arg of args) {
    if (arg.startsWith('-')) continue
    const subs = cmd.subCommands ? await resolve(cmd.subCommands) : undefined
    const next = subs?.[arg]
    if (!next) break
    parent = cmd
    cmd = await resolve(next)
  }
  return [cmd, parent]
}

/**
 * citty accepts any flag, so a typo such as `sync --dryrun` would run for real. Every flag must be
 * one the command declares (or one the entry point handles itself, like `--help`).
 */
export async function checkFlags(prog: string, main: AnyCommand, rawArgs: string[], global: string[] = []): Promise<void> {
  const [cmd] = await findCommand(main, rawArgs)
  const defs = (cmd.args ? await resolve(cmd.args) : {}) as Record<string, { alias?: string | string[] }>
  const known = new Set(global)
  for (const [name, def] of Object.entries(defs)) {
    known.add(name)
    for (const alias of [def.alias ?? []].flat()) known.add(alias)
  }
  for (const arg of rawArgs) {
    if (arg === '--') break
    if (!arg.startsWith('-') || arg === '-') continue
    const name = arg.replace(/^--?(no-)?/, '').split('=')[0]!
    if (known.has(name)) continue
    const meta = cmd.meta ? await resolve(cmd.meta) : undefined
    const where = meta?.name && meta.name !== prog ? `${prog} ${meta.name}` : prog
    throw new UsageError(`unknown option ${arg.split('=')[0]} for \`${where}\``, `run \`${where} --help\``)
  }
}

/** One line for stderr and the exit code: ours say what to do; citty's are usage errors. */
export function describeError(prog: string, err: unknown, debug: boolean): { text: string; exitCode: number } {
  const stack = debug && err instanceof Error && err.stack ? `${err.stack}\n` : ''
  if (err instanceof CliError) {
    // Messages quote registry text (ids, versions, URLs, a provider's answer): escaped, never raw.
    const line = `${err.message}${err.hint ? ` (${err.hint})` : ''}`
    return { text: `${stack}${prog}: ${safeText(line, { keepNewlines: err instanceof ValidationError })}\n`, exitCode: err.exitCode }
  }
  if (err instanceof Error && err.name === 'CLIError') {
    return { text: `${stack}${prog}: ${stripAnsi(err.message)} (see --help)\n`, exitCode: 2 }
  }
  const message = err instanceof Error ? err.message : String(err)
  return { text: `${stack}${prog}: unexpected error: ${safeText(message)}${debug ? '' : ' (set DEBUG=claude-multi for details)'}\n`, exitCode: 1 }
}
