import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { fsStep } from './fs-errors.js'
import type { Paths } from './paths.js'
import { busyError, type Holder, type LockOptions, type WriteLock } from './lock-holder.js'

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Exclusive create; false when the file exists. */
function create(path: string, text: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600)
    writeSync(fd, text)
    closeSync(fd)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  }
}

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

const ageMs = (path: string) => {
  try {
    return Date.now() - statSync(path).mtimeMs
  } catch {
    return 0
  }
}

/** A takeover runs a few system calls; one older than this belongs to a dead process. */
const TAKEOVER_STALE_MS = 5_000

/**
 * The portable fallback where no kernel lock is available: `<home>/.lock.pid` by exclusive create.
 * A file whose process is gone is taken over, but only inside a second exclusive lock
 * (`.lock.takeover`) and only if it still holds the very content judged stale, so two processes can
 * never both remove a lock and both create their own.
 */
export async function pidLock(paths: Pick<Paths, 'home'>, opts: LockOptions): Promise<WriteLock> {
  const path = join(paths.home, '.lock.pid')
  const takeover = join(paths.home, '.lock.takeover')
  const mine = JSON.stringify({ pid: process.pid, command: opts.command, since: new Date().toISOString() })
  const deadline = Date.now() + (opts.waitMs ?? 0)
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    if (fsStep(path, () => create(path, mine))) break
    const seen = read(path)
    let holder: Holder | undefined
    try {
      holder = seen ? (JSON.parse(seen) as Holder) : undefined
    } catch {}
    const stale = holder ? !alive(holder.pid) : ageMs(path) > TAKEOVER_STALE_MS
    if (stale && seen !== undefined) {
      if (create(takeover, mine)) {
        try {
          if (read(path) === seen) unlinkSync(path)
        } finally {
          unlinkSync(takeover)
        }
        continue
      }
      if (ageMs(takeover) > TAKEOVER_STALE_MS) {
        try {
          unlinkSync(takeover)
        } catch {}
      }
    }
    if (Date.now() >= deadline) throw busyError(path, holder, opts.waitMs ?? 0)
    await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random())))
  }
  let held = true
  const release = () => {
    if (!held) return
    held = false
    try {
      if (read(path) === mine) unlinkSync(path)
    } catch {}
  }
  process.once('exit', release)
  return { kind: 'pidfile', release }
}
