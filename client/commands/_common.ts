import { UsageError } from '../../shared/errors.js'
import { loadConfig, type LoadedConfig } from '../state/config.js'
import { overlayCommittedJournal } from '../state/journal.js'
import { loadLock } from '../state/lock.js'
import { resolvePaths } from '../state/paths.js'
import { transact, type Phase } from '../state/transact.js'
import type { Transaction } from '../state/transaction.js'
import { Registries } from '../registry/registries.js'
import type { SyncContext } from '../sync/context.js'

/** Flags shared by the read commands. */
export const jsonArg = { json: { type: 'boolean', description: 'Print JSON instead of a table' } } as const
export const offlineArg = { offline: { type: 'boolean', description: 'Use only the local cache, never the network' } } as const
export const registryArg = { registry: { type: 'string', description: 'Registry for plain template ids (default: public)' } } as const
/** Declared boolean so `--wait work` never eats the name; the seconds come from `--wait=N` (see waitMs). */
export const waitArg = {
  wait: { type: 'boolean', description: 'If another claude-multi is changing instances, wait for it (--wait=SECONDS, default 60) instead of failing' },
} as const

export const DEFAULT_WAIT_S = 60

/** `--wait` → 60 s, `--wait=N` → N s, absent → 0 (fail at once). */
export function waitMs(rawArgs: string[]): number {
  let ms = 0
  for (const a of rawArgs) {
    if (a === '--') break
    if (a === '--wait') ms = DEFAULT_WAIT_S * 1000
    else if (a === '--no-wait') ms = 0
    else if (a.startsWith('--wait=')) {
      const s = Number(a.slice(7))
      if (a.length === 7 || !Number.isFinite(s) || s < 0 || s > 86_400) throw new UsageError(`${a}: give the number of seconds to wait, e.g. --wait=30`)
      ms = s * 1000
    }
  }
  return ms
}

export interface Session extends SyncContext {
  loaded: LoadedConfig
  warnings: string[]
}

/**
 * Loads local state once per command; registry warnings are collected and printed by the command.
 * A committed journal of an interrupted command is read through (see state/journal.ts), so even a
 * command that takes no lock sees the state the next writer completes, never half of it.
 */
export function openSession(opts: { offline?: boolean; registry?: string | undefined } = {}): Session {
  const paths = resolvePaths()
  overlayCommittedJournal(paths)
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

/** Re-reads config and lock (under the write lock), keeping registries and fetched documents. */
export function reloadSession(session: Session): void {
  session.loaded = loadConfig(session.paths)
  session.config = session.loaded.config
  session.lock = loadLock(session.paths)
}

/** Runs `fn` as a transaction of `session` (see state/transact.ts): planned unlocked, committed locked. */
export function write<T>(
  session: Session,
  opts: { command: string; rawArgs: string[]; confirm?: (planned: T) => Promise<boolean> },
  fn: (tx: Transaction, phase: Phase) => Promise<T> | T,
): Promise<T> {
  return transact(
    session.paths,
    {
      command: opts.command,
      waitMs: waitMs(opts.rawArgs),
      reload: () => reloadSession(session),
      note: (m) => process.stderr.write(`claude-multi: ${m}\n`),
      ...(opts.confirm ? { confirm: opts.confirm } : {}),
    },
    fn,
  )
}

export const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : text + '\n')
export const printJson = (value: unknown) => out(JSON.stringify(value, null, 2))

/** Warnings go to stderr so `--json` output stays parseable; the same warning is printed once. */
export function flushWarnings(session: { warnings: string[] }): void {
  for (const w of new Set(session.warnings.splice(0))) process.stderr.write(`warning: ${w}\n`)
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
