/**
 * What both write locks (the kernel lock in mutex.ts, the pid-file fallback in mutex-pidfile.ts)
 * share: their options, who holds the lock, and the refusal that names the holder.
 */
import { readFileSync } from 'node:fs'
import { CliError } from '../../shared/errors.js'

export interface WriteLock {
  /** Which mechanism holds it ("kernel" normally, "pidfile" where the addon cannot load). */
  readonly kind: 'kernel' | 'pidfile'
  release(): void
}

export interface LockOptions {
  /** How long to wait for another writer, in ms; 0 fails at once. */
  waitMs?: number
  /** Shown to a waiting process: `sync`, `add work`, … */
  command: string
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export interface Holder {
  pid: number
  command: string
  since: string
}

export function readHolder(path: string): Holder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Holder
    return typeof h?.pid === 'number' ? h : undefined
  } catch {
    return undefined
  }
}

/**
 * The holder writes who it is right after it takes the lock; a process refused in that instant
 * reads an empty file. A few short retries let the refusal name the holder all the same.
 */
export async function holderOf(path: string): Promise<Holder | undefined> {
  for (let i = 0; i < 10; i++) {
    const holder = readHolder(path)
    if (holder) return holder
    await sleep(10)
  }
  return undefined
}

export function busyError(_path: string, holder: Holder | undefined, waitedMs: number): CliError {
  const who = holder
    ? `another claude-multi (pid ${holder.pid}, \`${holder.command}\` since ${holder.since.slice(11, 19)})`
    : 'another claude-multi'
  return waitedMs > 0
    ? new CliError(
        'E_BUSY',
        `${who} is still changing instances after ${(waitedMs / 1000).toFixed(waitedMs % 1000 ? 1 : 0)} s of waiting`,
        1,
        'try again later, or wait longer with --wait=SECONDS',
      )
    : new CliError(
        'E_BUSY',
        `${who} is changing instances right now`,
        1,
        'run the command again with --wait to wait for it',
      )
}
