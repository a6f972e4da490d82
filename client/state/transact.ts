import { CliError } from '../../shared/errors.js'
import { readJournal, recoverJournal } from './journal.js'
import { acquireWriteLock } from './mutex.js'
import { overlay } from './overlay.js'
import type { Paths } from './paths.js'
import { Transaction } from './transaction.js'

export type Phase = 'plan' | 'commit'

export interface TransactOptions<T> {
  /** Shown to other writers while this one holds the lock: `sync`, `add work`, … */
  command: string
  /** How long to wait for another writer (ms); 0 fails at once. */
  waitMs?: number
  /** Reads config and lock again once the lock is held. */
  reload(): void
  /** A one-line note for the user (an interrupted command completed or rolled back). */
  note(message: string): void
  /** Asked between the two phases with what the first one planned; false cancels. */
  confirm?(planned: T): Promise<boolean>
}

/**
 * How every command that changes local state runs. `fn` runs twice: first without the lock and
 * with a transaction that is thrown away, so all network work (index, documents) happens while
 * nobody waits for us and every error surfaces before anything is locked; then under the write
 * lock, after an interrupted command was completed or rolled back and state was read again, with
 * a transaction that is committed. The second run finds every document in memory. A command whose
 * first run changes nothing takes no lock at all.
 */
export async function transact<T>(
  paths: Pick<Paths, 'home'>,
  opts: TransactOptions<T>,
  fn: (tx: Transaction, phase: Phase) => Promise<T> | T,
): Promise<T> {
  const dry = new Transaction(paths, opts.command)
  let planned: T
  let changes = 0
  try {
    planned = await fn(dry, 'plan')
    changes = dry.size
  } finally {
    dry.abort()
  }
  if (!changes && !readJournal(paths)) return planned
  if (opts.confirm && !(await opts.confirm(planned)))
    throw new CliError('E_CANCELLED', 'cancelled; nothing was changed')
  const lock = await acquireWriteLock(paths, {
    command: opts.command,
    ...(opts.waitMs !== undefined ? { waitMs: opts.waitMs } : {}),
  })
  try {
    // A committed journal was shown to the first run through the overlay; now it becomes the disk.
    overlay.clear()
    const note = recoverJournal(paths)
    if (note) opts.note(note)
    opts.reload()
    const tx = new Transaction(paths, opts.command)
    try {
      const result = await fn(tx, 'commit')
      tx.commit()
      return result
    } catch (err) {
      tx.abort()
      throw err
    }
  } finally {
    lock.release()
  }
}
