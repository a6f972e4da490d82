/**
 * What the shell completes, read from the commands' own citty definitions so that a new command or
 * flag is completed without anyone remembering to list it here. Only the kind of each positional
 * (instance, template, registry, file) needs a rule, because citty does not say what a name names.
 */
import type { ArgsDef, CommandDef } from 'citty'

export type WordKind = 'instances' | 'templates' | 'registries' | 'files' | { choices: string[] }

export interface CommandSpec {
  /** `--flag` names (aliases as `-x`), with the kind of value a string flag takes. */
  flags: { name: string; takesValue: boolean; value?: WordKind }[]
  /** Completion of each positional in order; the last repeats when it takes several words. */
  positionals: (WordKind | null)[]
  repeatLast: boolean
  subcommands: Record<string, CommandSpec>
}

// biome-ignore lint/suspicious/noExplicitAny: citty's CommandDef is invariant in its args; one table holds commands of every shape
type AnyCommand = CommandDef<any>
const resolve = async <T>(value: T | (() => T | Promise<T>) | Promise<T>): Promise<T> =>
  typeof value === 'function' ? await (value as () => T | Promise<T>)() : await value

/** A positional `name` is an instance, except where a command creates one (or names a registry). */
function kindOf(path: string[], arg: string, choices?: string[]): WordKind | null {
  if (choices?.length) return { choices }
  const where = path.join(' ')
  if (arg === 'name') {
    if (where === 'add' || where === 'registry add') return null
    if (path[0] === 'registry') return 'registries'
    return 'instances'
  }
  if (arg === 'old') return 'instances'
  if (arg === 'template' || arg === 'id' || arg === 'spec') return 'templates'
  if (arg === 'file') return 'files'
  if (arg === 'shell') return { choices: ['bash', 'zsh', 'fish'] }
  return null
}

/** A string flag's value: its choices, a registry for `--registry`, else a path. */
const flagKind = (name: string, choices?: string[]): WordKind =>
  choices?.length ? { choices } : name === 'registry' ? 'registries' : 'files'

export async function commandSpec(cmd: AnyCommand, path: string[] = []): Promise<CommandSpec> {
  const args = ((cmd.args ? await resolve(cmd.args) : {}) ?? {}) as ArgsDef
  const spec: CommandSpec = { flags: [], positionals: [], repeatLast: false, subcommands: {} }
  for (const [name, def] of Object.entries(args)) {
    if (def.type === 'positional') {
      spec.positionals.push(kindOf(path, name, (def as { options?: string[] }).options))
      // Optional, or declared as taking several (`NAME...`): the last positional repeats.
      spec.repeatLast =
        def.required === false || String((def as { valueHint?: string }).valueHint ?? '').endsWith('...')
      continue
    }
    const takesValue = def.type !== 'boolean'
    const value = takesValue ? flagKind(name, (def as { options?: string[] }).options) : undefined
    const flag = (flagName: string) => ({ name: flagName, takesValue, ...(value ? { value } : {}) })
    spec.flags.push(flag(`--${name}`))
    for (const alias of [(def as { alias?: string | string[] }).alias ?? []].flat())
      spec.flags.push(flag(alias.length === 1 ? `-${alias}` : `--${alias}`))
  }
  spec.flags.push({ name: '--help', takesValue: false })
  const subs = cmd.subCommands ? await resolve(cmd.subCommands) : undefined
  for (const [name, sub] of Object.entries(subs ?? {}))
    spec.subcommands[name] = await commandSpec(await resolve(sub as AnyCommand), [...path, name])
  return spec
}
