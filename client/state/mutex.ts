import { closeSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fsStep } from './fs-errors.js'
import { busyError, holderOf, type LockOptions, sleep, type WriteLock } from './lock-holder.js'
import type { Paths } from './paths.js'

/**
 * One writer at a time, with a kernel lock (fcntl OFD locks on Linux, flock on macOS, LockFileEx on
 * Windows, through fs-native-extensions) on `<home>/.lock`. The kernel drops the lock when its
 * holder dies however it dies, so a lock left by kill -9 is not "stale": it simply is not held,
 * and no two processes can ever both take it. The file only tells waiters who holds it.
 */
interface Binding {
  tryLock(fd: number, offset: number, length: number, exclusive: boolean): void
  unlock(fd: number): void
}

let binding: Binding | null | undefined

/**
 * The prebuilt binding is loaded straight from the package's `prebuilds/` (require-addon's resolver
 * costs ~70 ms per command); the package's own entry is the fallback. `null` when neither loads
 * (no prebuild for this platform): the portable pid-file lock is used then.
 */
function loadBinding(): Binding | null {
  if (binding !== undefined) return binding
  if (process.env.CLAUDE_MULTI_LOCK === 'pidfile') return (binding = null)
  const require = createRequire(import.meta.url)
  try {
    binding = require(
      `fs-native-extensions/prebuilds/${process.platform}-${process.arch}/fs-native-extensions.node`,
    ) as Binding
  } catch {
    try {
      const mod = require('fs-native-extensions') as { tryLock(fd: number): boolean; unlock(fd: number): void }
      binding = {
        tryLock: (fd) => {
          if (!mod.tryLock(fd)) throw Object.assign(new Error('locked'), { code: 'EAGAIN' })
        },
        unlock: (fd) => mod.unlock(fd),
      }
    } catch {
      binding = null
    }
  }
  return binding
}

export type { LockOptions, WriteLock }

export const lockPath = (paths: Pick<Paths, 'home'>) => join(paths.home, '.lock')

export async function acquireWriteLock(paths: Pick<Paths, 'home'>, opts: LockOptions): Promise<WriteLock> {
  fsStep(paths.home, () => mkdirSync(paths.home, { recursive: true }))
  const path = lockPath(paths)
  const b = loadBinding()
  if (!b) return (await import('./mutex-pidfile.js')).pidLock(paths, opts)
  const fd = fsStep(path, () => openSync(path, 'a+', 0o600))
  const started = Date.now()
  const deadline = started + (opts.waitMs ?? 0)
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    try {
      b.tryLock(fd, 0, 0, true)
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' && (err as NodeJS.ErrnoException).code !== 'EACCES') {
        closeSync(fd)
        throw err
      }
    }
    if (Date.now() >= deadline) {
      closeSync(fd)
      throw busyError(path, await holderOf(path), opts.waitMs ?? 0)
    }
    // Jitter keeps a crowd of waiters from retrying in lock-step.
    await sleep(Math.min(delay * (0.5 + Math.random()), Math.max(1, deadline - Date.now())))
  }
  try {
    ftruncateSync(fd, 0)
    writeSync(fd, JSON.stringify({ pid: process.pid, command: opts.command, since: new Date().toISOString() }), 0)
  } catch {}
  let held = true
  return {
    kind: 'kernel',
    release() {
      if (!held) return
      held = false
      try {
        b.unlock(fd)
      } catch {}
      closeSync(fd)
    },
  }
}
