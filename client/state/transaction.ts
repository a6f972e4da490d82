import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fsStep } from './fs-errors.js'
import { applyJournal, rollbackJournal, writeJournal, type Journal, type JournalOp } from './journal.js'
import { overlay } from './overlay.js'
import type { Paths } from './paths.js'

type Staged = { op: 'write'; data: string; mode?: number; dirMode?: number } | { op: 'remove' } | { op: 'removeTree' }

/**
 * Every change a command makes to local state (config, lock, overrides, wrappers, key files,
 * settings.json, tokens): staged in memory, visible to the command's own later reads, written by
 * `commit` through the journal (see journal.ts) or not at all.
 */
export class Transaction {
  private readonly staged = new Map<string, Staged>()
  private readonly dirs = new Map<string, number | undefined>()

  constructor(
    private readonly paths: Pick<Paths, 'home'>,
    readonly command: string,
  ) {}

  get size(): number {
    return this.staged.size + this.dirs.size
  }

  /** `mode` for a new file (an existing one keeps its own unless given); `dirMode` for new parents. */
  write(path: string, data: string, opts: { mode?: number; dirMode?: number } = {}): void {
    this.staged.set(path, { op: 'write', data, ...opts })
    overlay.set(path, data)
  }

  remove(path: string): void {
    this.staged.set(path, { op: 'remove' })
    overlay.set(path, null)
  }

  /** A whole directory (an instance's config dir), removed after the commit point. */
  removeTree(path: string): void {
    this.staged.set(path, { op: 'removeTree' })
    overlay.set(path, null)
  }

  /** A directory that must exist afterwards even when no file is written into it. */
  mkdir(path: string, mode?: number): void {
    this.dirs.set(path, mode)
  }

  /** Forgets everything staged; nothing was written. */
  abort(): void {
    for (const path of this.staged.keys()) overlay.delete(path)
    this.staged.clear()
    this.dirs.clear()
  }

  commit(): void {
    if (!this.size) return
    fsStep(this.paths.home, () => mkdirSync(this.paths.home, { recursive: true }))
    const id = randomBytes(6).toString('hex')
    const ops: JournalOp[] = []
    const wanted = new Map<string, number | undefined>(this.dirs)
    for (const [path, s] of this.staged) {
      if (s.op === 'write') {
        ops.push({ op: 'write', path, temp: join(dirname(path), `.${basename(path)}.cm-${id}`) })
        if (!wanted.has(dirname(path))) wanted.set(dirname(path), s.dirMode)
      } else ops.push({ op: s.op, path })
    }
    const created = new Map<string, number | undefined>()
    for (const [dir, mode] of wanted) for (const d of missingDirs(dir)) if (!created.has(d)) created.set(d, mode)
    const journal: Journal = {
      journalVersion: 1,
      id,
      state: 'prepared',
      command: this.command,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      ops,
      dirs: [...created.keys()],
    }
    writeJournal(this.paths, journal)
    try {
      for (const [dir, mode] of created) fsStep(dir, () => mkdirSync(dir, { recursive: true, mode: mode ?? 0o755 }))
      for (const op of ops) if (op.op === 'write') stage(op, this.staged.get(op.path) as Staged & { op: 'write' })
    } catch (err) {
      rollbackJournal(this.paths, journal)
      this.abort()
      throw err
    }
    // The commit point: from here on the next run completes this change whatever happens.
    writeJournal(this.paths, { ...journal, state: 'committed' })
    applyJournal(this.paths, journal)
    for (const path of this.staged.keys()) overlay.delete(path)
    this.staged.clear()
    this.dirs.clear()
  }
}

/** `dir` and its missing ancestors, outermost first. */
function missingDirs(dir: string): string[] {
  const out: string[] = []
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    out.unshift(d)
    if (dirname(d) === d) break
  }
  return out
}

function stage(op: JournalOp & { op: 'write' }, s: { data: string; mode?: number }): void {
  let mode = s.mode
  if (mode === undefined) {
    try {
      mode = statSync(op.path).mode & 0o7777
    } catch {
      mode = 0o644
    }
  }
  fsStep(op.path, () => {
    const fd = openSync(op.temp, 'wx', mode)
    try {
      writeSync(fd, s.data)
      fsyncSync(fd)
    } catch (err) {
      closeSync(fd)
      rmSync(op.temp, { force: true })
      throw err
    }
    closeSync(fd)
  })
}
