/**
 * What both command-line entry points share: finding the command a request is about, refusing
 * flags a command does not declare, and turning any error into one line and an exit code. Pure:
 * the entry points do the printing and set the exit code.
 */
import { CliError, UsageError, ValidationError } from './errors.js'
import { safeText, stripAnsi } from './text.js'

type Resolvable<T> = T | Promise<T> | (() => T | Promise<T>)

/** The part of a citty command these helpers read (citty itself stays with the entry points). */
export interface CommandShape {
  meta?: Resolvable<{ name?: string; description?: string } | undefined>
  args?: Resolvable<object | undefined>
  subCommands?: Resolvable<Record<string, Resolvable<CommandShape>> | undefined>
}
type AnyCommand = CommandShape

const resolve = async <T>(value: T | (() => T | Promise<T>) | Promise<T>): Promise<T> =>
  typeof value === 'function' ? await (value as () => T | Promise<T>)() : await value

export { stripAnsi }

export const isDebug = (debugEnv: string | undefined): boolean =>
  (debugEnv ?? '').split(',').some((d) => d.trim() === 'claude-multi' || d.trim() === '*')

/** The command a request is about: `registry add --help` → `add` under `registry`. */
export async function findCommand(main: AnyCommand, args: string[]): Promise<[AnyCommand, AnyCommand | undefined]> {
  const { cmd, parent } = await findLeaf(main, args)
  return [cmd, parent]
}

/**
 * The command that runs and the arguments it gets (those after its name), the way citty walks
 * subcommands; the entry point runs the leaf itself so that its `run` result, the exit code,
 * comes back (citty drops a subcommand's result).
 */
export async function findLeaf(
  main: AnyCommand,
  args: string[],
): Promise<{ cmd: AnyCommand; parent: AnyCommand | undefined; args: string[] }> {
  let cmd = main
  let parent: AnyCommand | undefined
  let rest = args
  for (;;) {
    const subs = cmd.subCommands ? await resolve(cmd.subCommands) : undefined
    const at = rest.findIndex((a) => !a.startsWith('-'))
    if (at < 0 || rest[at] === '--' || rest.slice(0, at).includes('--')) break
    const next = subs && Object.hasOwn(subs, rest[at]!) ? subs[rest[at]!] : undefined
    if (!next) break
    parent = cmd
    cmd = await resolve(next)
    rest = rest.slice(at + 1)
  }
  return { cmd, parent, args: rest }
}

/**
 * citty accepts any flag, so a typo such as `sync --dryrun` would run for real. Every flag must be
 * one the command declares (or one the entry point handles itself, like `--help`).
 */
export async function checkFlags(
  prog: string,
  main: AnyCommand,
  rawArgs: string[],
  global: string[] = [],
): Promise<void> {
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

type PositionalDef = { type?: string; valueHint?: string; required?: boolean; alias?: string | string[] }

/**
 * citty's usage text, made right: the program name on every usage line (citty prints only the
 * parent's name for `registry add`), `[NAME...]` for a positional that takes several, and the
 * global options every command accepts.
 */
export async function polishUsage(
  usage: string,
  prog: string,
  cmd: AnyCommand,
  global: [string, string][] = [],
): Promise<string> {
  const defs = ((cmd.args ? await resolve(cmd.args) : {}) ?? {}) as Record<string, PositionalDef>
  let out = usage.replace(
    /^((?:\x1b\[[0-9;]*m)*USAGE(?:\x1b\[[0-9;]*m)* )(.*)$/m,
    (line, head: string, rest: string) =>
      stripAnsi(rest).startsWith(`${prog} `) || stripAnsi(rest) === prog ? line : `${head}${prog} ${rest}`,
  )
  for (const [name, def] of Object.entries(defs)) {
    if (def.type !== 'positional' || !def.valueHint?.endsWith('...')) continue
    const upper = name.toUpperCase()
    out = out
      .replace(`[${upper}]`, `[${upper}...]`)
      .replace(`<${upper}>`, `<${upper}...>`)
      .replace(`${upper}=<${def.valueHint}>`, `${upper}...`)
  }
  if (global.length) {
    const width = Math.max(...global.map(([f]) => f.length))
    out = `${out.trimEnd()}\n\nGLOBAL OPTIONS\n\n${global.map(([f, d]) => `  ${f.padStart(width)}    ${d}`).join('\n')}\n`
  }
  return out
}

/**
 * Positionals beyond what a command declares are a usage error, not silently ignored: only a
 * positional declared with a `...` value hint takes several.
 */
export async function checkArity(prog: string, main: AnyCommand, rawArgs: string[]): Promise<void> {
  const [cmd, parent] = await findCommand(main, rawArgs)
  const defs = ((cmd.args ? await resolve(cmd.args) : {}) ?? {}) as Record<string, PositionalDef>
  const positional = Object.entries(defs).filter(([, d]) => d.type === 'positional')
  const path = [(await resolve(parent?.meta ?? {}))?.name, (await resolve(cmd.meta ?? {}))?.name].filter(
    (n): n is string => Boolean(n) && n !== prog,
  )
  const takesValue = new Set<string>()
  for (const [name, def] of Object.entries(defs))
    if (def.type === 'string') for (const n of [name, ...[def.alias ?? []].flat()]) takesValue.add(n)
  const words: string[] = []
  for (let i = 0; i < rawArgs.length; i++) {
    const a = rawArgs[i]!
    if (a === '--') {
      words.push(...rawArgs.slice(i + 1))
      break
    }
    if (a.startsWith('-') && a !== '-') {
      const name = a.replace(/^--?/, '').split('=')[0]!
      if (!a.includes('=') && takesValue.has(name)) i++
      continue
    }
    words.push(a)
  }
  const where = [prog, ...path].join(' ')
  // citty's "Missing required positional argument: NAME" names neither the command nor its usage.
  const missing = positional.slice(words.length - path.length).filter(([, d]) => d.required)
  if (missing.length) {
    const usage = positional
      .map(
        ([n, d]) =>
          `${d.required ? '<' : '['}${n}${d.valueHint?.endsWith('...') ? '...' : ''}${d.required ? '>' : ']'}`,
      )
      .join(' ')
    throw new UsageError(
      `\`${where}\` needs ${missing.map(([n]) => `<${n}>`).join(' and ')}: ${where} ${usage}`,
      `run \`${where} --help\``,
    )
  }
  const flags = Object.entries(defs).filter(([, d]) => d.type === 'string' && d.required)
  const given = (n: string, d: PositionalDef) =>
    [n, ...[d.alias ?? []].flat()].some((f) =>
      rawArgs.some((a) => a === `--${f}` || a.startsWith(`--${f}=`) || (f.length === 1 && a === `-${f}`)),
    )
  const absent = flags.filter(([n, d]) => !given(n, d))
  if (absent.length)
    throw new UsageError(
      `\`${where}\` needs ${absent.map(([n, d]) => `--${n} <${d.valueHint ?? n}>`).join(' and ')}`,
      `run \`${where} --help\``,
    )
  if (positional.some(([, d]) => d.valueHint?.endsWith('...'))) return
  const extra = words.slice(path.length + positional.length)
  if (extra.length) {
    throw new UsageError(
      `unexpected argument${extra.length > 1 ? 's' : ''} for \`${where}\`: ${extra.join(' ')}`,
      `run \`${where} --help\``,
    )
  }
}

/** One line for stderr and the exit code: ours say what to do; citty's are usage errors. */
export function describeError(prog: string, err: unknown, debug: boolean): { text: string; exitCode: number } {
  const stack = debug && err instanceof Error && err.stack ? `${err.stack}\n` : ''
  if (err instanceof CliError) {
    // Messages quote registry text (ids, versions, URLs, a provider's answer): escaped, never raw.
    const line = `${err.message}${err.hint ? ` (${err.hint})` : ''}`
    return {
      text: `${stack}${prog}: ${safeText(line, { keepNewlines: err instanceof ValidationError })}\n`,
      exitCode: err.exitCode,
    }
  }
  if (err instanceof Error && err.name === 'CLIError') {
    return { text: `${stack}${prog}: ${stripAnsi(err.message)} (see --help)\n`, exitCode: 2 }
  }
  const message = err instanceof Error ? err.message : String(err)
  return {
    text: `${stack}${prog}: unexpected error: ${safeText(message)}${debug ? '' : ' (set DEBUG=claude-multi for details)'}\n`,
    exitCode: 1,
  }
}

/** Every value of a repeated string flag (`--set a --set=b`: citty keeps only the last one), up to `--`. */
export function repeatedFlag(rawArgs: string[], ...names: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!
    if (arg === '--') break
    for (const name of names) {
      if (arg === name && i + 1 < rawArgs.length) out.push(rawArgs[++i]!)
      else if (arg.startsWith(`${name}=`)) out.push(arg.slice(name.length + 1))
    }
  }
  return out
}
