import { randomBytes } from 'node:crypto'
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
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
  syncDir(dir)
  removeStaleTemps(dir, basename(path))
}

/** The rename is durable only once the directory entry is; some filesystems refuse, which is fine. */
export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  } catch {}
}

const STALE_MS = 60_000

/**
 * A write killed between create and rename leaves `.<name>.<hex>.tmp` behind (hidden, and with the
 * target's mode). The next write of the same file removes such leftovers once they are old enough
 * that no live writer can still own them.
 */
function removeStaleTemps(dir: string, name: string): void {
  const prefix = `.${name}.`
  try {
    for (const entry of readdirSync(dir)) {
      if (!entry.startsWith(prefix) || !/^\.[^/]+\.[0-9a-f]{8}\.tmp$/.test(entry)) continue
      const file = join(dir, entry)
      if (Date.now() - statSync(file).mtimeMs > STALE_MS) unlinkSync(file)
    }
  } catch {}
}
