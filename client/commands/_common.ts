import { CliError, UsageError } from '../../shared/errors.js'
import { safeJson, safeText } from '../../shared/text.js'
import { loadConfig, type LoadedConfig } from '../state/config.js'
import { overlayCommittedJournal } from '../state/journal.js'
import { readText } from '../state/json-file.js'
import { loadLock, type Lockfile } from '../state/lock.js'
import { resolvePaths, type Paths } from '../state/paths.js'
import { transact, type Phase } from '../state/transact.js'
import type { Transaction } from '../state/transaction.js'
import { Registries } from '../registry/registries.js'
import { globalOptions } from './_globals.js'
import type { SyncContext } from '../sync/context.js'

/** Flags shared by the read commands. */
export const jsonArg = { json: { type: 'boolean', description: 'Print JSON instead of a table' } } as const
export const offlineArg = {
  offline: { type: 'boolean', description: 'Use only the local cache, never the network' },
} as const
export const registryArg = {
  registry: { type: 'string', description: 'Registry for plain template ids (default: public)' },
} as const
/** Declared boolean so `--wait work` never eats the name; the seconds come from `--wait=N` (see waitMs). */
export const waitArg = {
  wait: {
    type: 'boolean',
    description:
      'If another claude-multi is changing instances, wait for it (--wait=SECONDS, default 60) instead of failing',
  },
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
      if (a.length === 7 || !Number.isFinite(s) || s < 0 || s > 86_400)
        throw new UsageError(`${a}: give the number of seconds to wait, e.g. --wait=30`)
      ms = s * 1000
    }
  }
  return ms
}

export interface Session extends SyncContext {
  loaded: LoadedConfig
  warnings: string[]
  /** Set when the lock file could not be read and the command asked to start without it (`adopt`). */
  damaged?: DamagedLock
}

export interface DamagedLock {
  error: string
  backup: string
  /** Stages a copy of the damaged file next to it, before the rebuilt lock replaces it. */
  backUp(tx: Transaction): void
}

/** The lock, or (for `adopt`) an empty one when the file is damaged; a newer format is always refused. */
function readLock(paths: Paths, tolerate: boolean): { lock: Lockfile; damaged?: DamagedLock } {
  try {
    return { lock: loadLock(paths) }
  } catch (err) {
    if (!tolerate || !(err instanceof CliError) || err.code !== 'E_CORRUPT') throw err
    const text = readText(paths.lock) ?? ''
    const backup = `${paths.lock}.damaged-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`
    return {
      lock: { lockfileVersion: 1, instances: {} },
      damaged: { error: err.message, backup, backUp: (tx) => tx.write(backup, text, { mode: 0o600 }) },
    }
  }
}

/**
 * Loads local state once per command; registry warnings are collected and printed by the command.
 * A committed journal of an interrupted command is read through (see state/journal.ts), so even a
 * command that takes no lock sees the state the next writer completes, never half of it.
 */
export function openSession(
  opts: { offline?: boolean; registry?: string | undefined; damagedLock?: boolean } = {},
): Session {
  const paths = resolvePaths()
  overlayCommittedJournal(paths)
  const loaded = loadConfig(paths)
  const { lock, damaged } = readLock(paths, opts.damagedLock ?? false)
  const warnings: string[] = []
  const registries = new Registries({
    paths,
    config: loaded.config,
    offline: opts.offline ?? false,
    ...(opts.registry ? { registry: opts.registry } : {}),
    warn: (m) => warnings.push(m),
    allowExpired: globalOptions.allowExpired,
    ...(globalOptions.timeoutMs ? { timeoutMs: globalOptions.timeoutMs } : {}),
  })
  return {
    paths,
    config: loaded.config,
    loaded,
    lock,
    registries,
    docs: new Map(),
    warnings,
    ...(damaged ? { damaged } : {}),
  }
}

/** Re-reads config and lock (under the write lock), keeping registries and fetched documents. */
export function reloadSession(session: Session): void {
  session.loaded = loadConfig(session.paths)
  session.config = session.loaded.config
  const { lock, damaged } = readLock(session.paths, session.damaged !== undefined)
  session.lock = lock
  if (damaged) session.damaged = damaged
  else delete session.damaged
}

/**
 * Runs `fn` as a transaction of `session` (see state/transact.ts): planned unlocked, committed
 * locked. `confirm` sees what the first run planned and may cancel before anything is locked.
 */
export function write<T>(
  session: Session,
  opts: { command: string; rawArgs: string[] },
  fn: (tx: Transaction, phase: Phase) => Promise<T> | T,
  confirm?: (planned: T) => Promise<boolean>,
): Promise<T> {
  return transact(
    session.paths,
    {
      command: opts.command,
      waitMs: waitMs(opts.rawArgs),
      reload: () => reloadSession(session),
      note: (m) => process.stderr.write(`claude-multi: ${m}\n`),
      ...(confirm ? { confirm } : {}),
    },
    fn,
  )
}

export const yesArg = {
  yes: { type: 'boolean', alias: 'y', description: 'Do it without asking (required when stdin is not a terminal)' },
} as const

/**
 * Shows what is about to go and asks on a terminal; `--yes` skips the question. Without a
 * terminal and without `--yes` it refuses, so a script never deletes anything by accident.
 */
export async function confirm(shown: string, question: string, yes: boolean | undefined): Promise<boolean> {
  if (shown) out(shown)
  if (yes) return true
  if (!process.stdin.isTTY)
    throw new UsageError(
      `${question.replace(/\?$/, '')}: refusing without a terminal to ask on`,
      'pass --yes to confirm',
    )
  const { createInterface } = await import('node:readline/promises')
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim())
  } finally {
    rl.close()
  }
}

export const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
export const printJson = (value: unknown) => out(safeJson(value, 2))

/** Warnings go to stderr so `--json` output stays parseable; they often quote registry text. */
export const warn = (message: string) => process.stderr.write(`warning: ${safeText(message)}\n`)

/** A failure of one instance (or registry) that did not stop the others. */
export interface CmdError {
  name?: string
  code: string
  message: string
  hint?: string
}

/**
 * Every `--json` output has this one top-level shape: the command, its exit code (the same number
 * the process exits with), the command's own fields, then `errors` and `warnings`.
 */
export function emitJson(
  command: string,
  exitCode: number,
  data: Record<string, unknown>,
  errors: CmdError[] = [],
  warnings: string[] = [],
): void {
  printJson({ command, exitCode, ...data, errors, warnings })
}

/** Per-instance failures on stderr, one line each, in the same form as a command's own error. */
export function reportErrors(errors: CmdError[]): void {
  // Messages quote registry text (ids, versions, a server's answer): escaped, never raw.
  for (const e of errors)
    process.stderr.write(
      `claude-multi: ${e.name ? `${e.name}: ` : ''}${safeText(`${e.message}${e.hint ? ` (${e.hint})` : ''}`)}\n`,
    )
}

/** Warnings go to stderr so `--json` output stays parseable; the same warning is printed once. */
export function flushWarnings(session: { warnings: string[] }): void {
  for (const w of new Set(session.warnings.splice(0))) warn(w)
}

/** Positionals after the command name (citty only maps the declared ones). */
export const positionals = (args: { _: string[] }) => args._
