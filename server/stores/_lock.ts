import { open, stat, unlink } from 'node:fs/promises'

/**
 * A lock shared by every process on one data dir: a file created with O_EXCL. A holder that
 * died leaves the file behind, so a lock older than `staleMs` is broken and taken over.
 */
export interface LockOptions {
  staleMs?: number
  timeoutMs?: number
}

const inProcess = new Map<string, Promise<unknown>>()

/** Runs `fn` while holding `lockPath`; callers in this process queue instead of spinning on the file. */
export function withLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const previous = inProcess.get(lockPath) ?? Promise.resolve()
  const run = previous.catch(() => {}).then(() => withFileLock(lockPath, fn, options))
  const tail = run.catch(() => {})
  inProcess.set(lockPath, tail)
  void tail.then(() => {
    if (inProcess.get(lockPath) === tail) inProcess.delete(lockPath)
  })
  return run
}

async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  { staleMs = 10_000, timeoutMs = 15_000 }: LockOptions,
): Promise<T> {
  const started = Date.now()
  let delay = 2
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx')
      await handle.writeFile(`${process.pid} ${new Date().toISOString()}\n`)
      await handle.close()
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const info = await stat(lockPath).catch(() => null)
      if (info && Date.now() - info.mtimeMs > staleMs) {
        await unlink(lockPath).catch(() => {})
        continue
      }
      if (Date.now() - started > timeoutMs) throw new Error(`could not lock ${lockPath} within ${timeoutMs} ms`)
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay))
      delay = Math.min(delay * 2, 50)
    }
  }
  try {
    return await fn()
  } finally {
    await unlink(lockPath).catch(() => {})
  }
}
