import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

/**
 * Writes `path` by temp file + rename in the same directory, so a reader (or a crash) only ever
 * sees the old bytes or the new ones. The file keeps its current mode unless one is given.
 */
export function writeFileAtomic(path: string, data: string, mode?: number): void {
  const dir = dirname(path)
  mkdirSync(dir, { recursive: true })
  let finalMode = mode
  if (finalMode === undefined) {
    try {
      finalMode = statSync(path).mode & 0o7777
    } catch {
      finalMode = 0o644
    }
  }
  const tmp = join(dir, `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`)
  const fd = openSync(tmp, 'wx', finalMode)
  try {
    writeSync(fd, data)
    fsyncSync(fd)
  } catch (err) {
    closeSync(fd)
    try {
      unlinkSync(tmp)
    } catch {}
    throw err
  }
  closeSync(fd)
  try {
    renameSync(tmp, path)
  } catch (err) {
    try {
      unlinkSync(tmp)
    } catch {}
    throw err
  }
}
