import { loadConfig, type LoadedConfig } from '../state/config.js'
import { loadLock } from '../state/lock.js'
import { resolvePaths } from '../state/paths.js'
import { acquireWriteLock } from '../state/mutex.js'
import { Registries } from '../registry/registries.js'
import type { SyncContext } from '../sync/context.js'

/** Flags shared by the read commands. */
export const jsonArg = { json: { type: 'boolean', description: 'Print JSON instead of a table' } } as const
export const offlineArg = { offline: { type: 'boolean', description: 'Use only the local cache, never the network' } } as const
export const registryArg = { registry: { type: 'string', description: 'Registry for plain template ids (default: public)' } } as const

export interface Session extends SyncContext {
  loaded: LoadedConfig
  warnings: string[]
}

/** Loads local state once per command; registry warnings are collected and printed by the command. */
export function openSession(opts: { offline?: boolean; registry?: string | undefined; write?: boolean } = {}): Session {
  const paths = resolvePaths()
  // Taken before reading state, so what we merge against cannot change under us.
  if (opts.write) acquireWriteLock(paths)
  const loaded = loadConfig(paths)
  const lock = loadLock(paths)
  const warnings: string[] = []
  const registries = new Registries({
    paths,
    config: loaded.config,
    offline: opts.offline ?? false,
    ...(opts.registry ? { registry: opts.registry } : {}),
    warn: (m) => warnings.push(m),
  })
  return { paths, config: loaded.config, loaded, lock, registries, docs: new Map(), warnings }
}

export const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : text + '\n')
export const printJson = (value: unknown) => out(JSON.stringify(value, null, 2))

/** Warnings go to stderr so `--json` output stays parseable. */
export function flushWarnings(session: { warnings: string[] }): void {
  for (const w of session.warnings.splice(0)) process.stderr.write(`warning: ${w}\n`)
}

/** Repeated `--flag value` / `--flag=value` (citty keeps only the last one). */
export function multiFlag(rawArgs: string[], flag: string): string[] {
  const values: string[] = []
  for (let i = 0; i < rawArgs.length; i++) {
    const a = rawArgs[i]!
    if (a === `--${flag}` && i + 1 < rawArgs.length) values.push(rawArgs[++i]!)
    else if (a.startsWith(`--${flag}=`)) values.push(a.slice(flag.length + 3))
  }
  return values
}

/** Positionals after the command name (citty only maps the declared ones). */
export const positionals = (args: { _: string[] }) => args._
