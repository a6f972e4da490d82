import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, type Stats, statSync } from 'node:fs'
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { basename, dirname, join } from 'node:path'

const tempName = (path: string) =>
  join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)

async function writeTemp(path: string, text: string, mode: number): Promise<string> {
  await mkdir(dirname(path), { recursive: true })
  const temp = tempName(path)
  const handle = await open(temp, 'wx', mode)
  try {
    await handle.writeFile(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
  return temp
}

/** Replaces `path` atomically: readers see the old or the new bytes, never a partial file. */
export async function writeAtomic(path: string, text: string, mode = 0o644): Promise<void> {
  const temp = await writeTemp(path, text, mode)
  try {
    await rename(temp, path)
  } catch (error) {
    await unlink(temp).catch(() => {})
    throw error
  }
}

/**
 * Creates `path` only if nothing exists there, across processes. The bytes are complete before the
 * name appears (temp file + hard link), and link() fails with EEXIST for every loser of a race.
 * Returns false when the file already existed.
 */
export async function createExclusive(path: string, text: string): Promise<boolean> {
  const temp = await writeTemp(path, text, 0o644)
  try {
    await link(temp, path)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    // Some filesystems have no hard links; O_EXCL still guarantees a single winner there.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') return createWithOpen(path, text)
    throw error
  } finally {
    await unlink(temp).catch(() => {})
  }
}

async function createWithOpen(path: string, text: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o644)
    try {
      await handle.writeFile(text)
    } finally {
      await handle.close()
    }
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
}

/** The file's text, or null when it does not exist. */
export async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return null
    throw error
  }
}

/** `readIfExists` without the thread pool: for the small files of an index build (see `createSlicer`). */
export function readIfExistsSync(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return null
    throw error
  }
}

/**
 * Time slices for work done with synchronous fs calls. Reading 10,000 folders through fs/promises
 * cost four thread-pool round trips and a promise per file (2 s where the same reads done
 * synchronously took 0.5 s, measured on warm files); done synchronously, the reads must give the
 * event loop back often enough that requests keep being answered while an index builds.
 * `pause()` yields once `budgetMs` has passed without the event loop turning.
 */
export function createSlicer(budgetMs = 8) {
  let sliceStart: number | undefined
  const open = () => {
    sliceStart = performance.now()
    // Any turn of the loop (ours or another callback's) ends the slice.
    setImmediate(() => {
      sliceStart = undefined
    })
  }
  return async function pause(): Promise<void> {
    // A loop, not one wait: with many readers paused at once (Promise.all over every id), all of
    // them wake in the same turn, and each must check the budget again, or the whole crowd reads
    // in one stretch (3 turns in 250 ms for 1,500 ids, test/stores/fs.test.ts).
    for (;;) {
      if (sliceStart === undefined) return open()
      if (performance.now() - sliceStart < budgetMs) return
      await nextTurn()
    }
  }
}

export function readdirOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

export function statOrNull(path: string): Stats | null {
  try {
    return statSync(path)
  } catch {
    return null
  }
}
