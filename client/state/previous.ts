import { CliError } from '../../shared/errors.js'
import { formatJson, readJson } from './json-file.js'
import type { LockEntry } from './lock.js'
import { previousFile } from './paths.js'
import type { Transaction } from './transaction.js'

/** The state before the last write, kept so that `rollback` can restore it exactly. */
export interface Previous {
  path: string
  text: string
  entry: LockEntry
  savedAt: string
  /**
   * overrides.json as it was (null: there was none), so that rolling back an `override` (or a
   * `sync --theirs` that dropped one) does not leave it to come back at the next sync. Absent in
   * files written before it was kept: rollback then leaves overrides.json alone.
   */
  overrides?: string | null
}

export function loadPrevious(configDir: string): Previous | undefined {
  const read = readJson<Previous>(previousFile(configDir), 'rollback state')
  if (!read) return undefined
  const p = read.value
  if (
    !p ||
    typeof p.path !== 'string' ||
    typeof p.text !== 'string' ||
    !p.entry ||
    (p.overrides !== undefined && p.overrides !== null && typeof p.overrides !== 'string')
  )
    throw new CliError('E_CORRUPT', `rollback state ${previousFile(configDir)} is incomplete; it was left untouched`)
  return p
}

export function savePrevious(tx: Transaction, configDir: string, previous: Previous): void {
  // It holds a wrapper; wrappers hold no secret, but settings.json (adopted instances) may.
  tx.write(previousFile(configDir), formatJson(previous), { mode: 0o600, dirMode: 0o700 })
}
