import { stat } from 'node:fs/promises'

/**
 * Other processes announce writes by replacing `.changed`; polling its inode and mtime is cheap
 * and, unlike fs.watch, behaves the same on every filesystem (NFS, containers).
 */
export function createStampWatcher(path: string, intervalMs: number, onChange: () => void) {
  let timer: NodeJS.Timeout | undefined
  let last: string | undefined
  const read = async () => {
    const info = await stat(path).catch(() => null)
    return info ? `${info.ino}:${info.mtimeMs}:${info.size}` : 'none'
  }
  return {
    start() {
      if (timer) return
      void read().then((v) => (last ??= v))
      timer = setInterval(() => {
        void read().then((now) => {
          if (last !== undefined && now !== last) {
            last = now
            onChange()
          } else last ??= now
        })
      }, intervalMs)
      timer.unref()
    },
    /** Records our own write so the poller does not report it a second time. */
    async sync() {
      if (timer) last = await read()
    },
    stop() {
      if (timer) clearInterval(timer)
      timer = undefined
      last = undefined
    },
  }
}
