import { CliError } from '../../shared/errors.js'
import type { Limits } from '../../shared/limits.js'
import { formatJson, readJson } from './json-file.js'
import type { Paths } from './paths.js'
import type { Transaction } from './transaction.js'
import { newerVersionError } from './versions.js'

/** Where an instance's variables are written: its wrapper, or (adopted instances) settings.json `env`. */
export type Target = { kind: 'wrapper'; path: string } | { kind: 'settings'; path: string }

export type KeyRef = { file: string } | { env: string } | null

/** What the client knows about one managed instance. Never holds a secret. */
export interface LockEntry {
  template: string
  registry: string
  range: string
  version: string
  integrity: string
  keyId?: string | null
  inputs: Record<string, string>
  target: Target
  key?: KeyRef
  /** Limits of models chosen at setup, read from the provider's model list by `add`. */
  limits?: Limits
  /** sha256 of the bytes last written to the target, to tell hand edits apart. */
  written: string
  /** A version `rollback` went back from: auto-sync announces it but never applies it again. */
  declined?: string
}

export interface Lockfile {
  lockfileVersion: 1
  instances: Record<string, LockEntry>
  [key: string]: unknown
}

/** What repairs a damaged lock: adopt keeps the file aside and rebuilds every entry from the wrappers. */
export const LOCK_REPAIR =
  'run `claude-multi adopt`: it keeps the damaged file as claude-multi.lock.damaged-<time> and rebuilds the lock from your wrappers'

export function loadLock(paths: Paths): Lockfile {
  const read = readJson<Lockfile>(paths.lock, 'lock file', LOCK_REPAIR)
  if (!read) return { lockfileVersion: 1, instances: {} }
  const lock = read.value
  const v = (lock as { lockfileVersion?: unknown } | null)?.lockfileVersion
  if (typeof v === 'number' && v > 1) throw newerVersionError(paths.lock, `lockfileVersion ${v}`)
  if (
    !lock ||
    typeof lock !== 'object' ||
    typeof lock.instances !== 'object' ||
    lock.instances === null ||
    Array.isArray(lock.instances)
  )
    throw new CliError(
      'E_CORRUPT',
      `lock file ${paths.lock} has no "instances" object; it was left untouched`,
      1,
      LOCK_REPAIR,
    )
  for (const [name, e] of Object.entries(lock.instances)) {
    if (
      !e ||
      typeof e.template !== 'string' ||
      typeof e.version !== 'string' ||
      !e.target ||
      typeof e.target.path !== 'string'
    )
      throw new CliError(
        'E_CORRUPT',
        `lock file ${paths.lock}: entry "${name}" is incomplete; it was left untouched`,
        1,
        LOCK_REPAIR,
      )
    e.inputs ??= {}
  }
  return lock
}

export function saveLock(tx: Transaction, paths: Paths, lock: Lockfile): void {
  // Sorted names keep the file's diff stable across runs.
  const instances: Record<string, LockEntry> = {}
  for (const name of Object.keys(lock.instances).sort()) instances[name] = lock.instances[name]!
  tx.write(paths.lock, formatJson({ ...lock, lockfileVersion: 1, instances }))
}
