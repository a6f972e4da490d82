import { readFileSync, renameSync, rmdirSync, rmSync, unlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { CliError } from '../../shared/errors.js'
import { syncDir, writeFileAtomic } from './atomic.js'
import { readDiskText } from './json-file.js'
import { describeFsError, fsStep } from './fs-errors.js'
import { overlay } from './overlay.js'
import type { Paths } from './paths.js'
import { newerVersionError } from './versions.js'

/**
 * The one write path for local state. A command stages every file it changes next to its target,
 * then records the whole change in `<home>/journal.json`; the moment that record says `committed`
 * the change has happened, and the renames that follow are only its execution. A command killed
 * before that point is rolled back by the next writer (its staged files removed), one killed after
 * it is completed (the renames redone). Nothing is ever half-applied for longer than one run.
 */
export type JournalOp =
  | { op: 'write'; path: string; temp: string }
  | { op: 'remove'; path: string }
  | { op: 'removeTree'; path: string }

export interface Journal {
  journalVersion: 1
  id: string
  state: 'prepared' | 'committed'
  command: string
  pid: number
  startedAt: string
  ops: JournalOp[]
  /** Directories the staging step creates, parents first: removed again (when empty) on rollback. */
  dirs: string[]
}

export const JOURNAL_VERSION = 1
export const journalPath = (paths: Pick<Paths, 'home'>) => join(paths.home, 'journal.json')

export function readJournal(paths: Pick<Paths, 'home'>): Journal | undefined {
  const path = journalPath(paths)
  const text = readDiskText(path)
  if (text === undefined) return undefined
  let j: Journal
  try {
    j = JSON.parse(text) as Journal
  } catch {
    throw new CliError(
      'E_CORRUPT',
      `the journal ${path} of an interrupted command is not valid JSON`,
      1,
      'it was written atomically, so something else changed it: move it away and run `claude-multi doctor`',
    )
  }
  if (typeof j?.journalVersion === 'number' && j.journalVersion > JOURNAL_VERSION)
    throw newerVersionError(path, `journalVersion ${j.journalVersion}`)
  if (
    !j ||
    j.journalVersion !== JOURNAL_VERSION ||
    !Array.isArray(j.ops) ||
    (j.state !== 'prepared' && j.state !== 'committed')
  )
    throw new CliError(
      'E_CORRUPT',
      `the journal ${path} of an interrupted command is incomplete`,
      1,
      'move it away and run `claude-multi doctor`',
    )
  return j
}

export function writeJournal(paths: Pick<Paths, 'home'>, journal: Journal): void {
  const path = journalPath(paths)
  fsStep(path, () => writeFileAtomic(path, `${JSON.stringify(journal, null, 2)}\n`, 0o600))
}

function dropJournal(paths: Pick<Paths, 'home'>): void {
  fsStep(journalPath(paths), () => rmSync(journalPath(paths), { force: true }))
  syncDirs([paths.home])
}

const missing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT'

/** The renames and removals of a committed journal; each step is idempotent, so it can be redone. */
export function applyJournal(paths: Pick<Paths, 'home'>, journal: Journal): void {
  const dirs = new Set<string>()
  for (const op of journal.ops) {
    if (op.op === 'write') {
      fsStep(op.path, () => {
        try {
          renameSync(op.temp, op.path)
        } catch (err) {
          // Already renamed by the run that was interrupted.
          if (!missing(err)) throw err
        }
      })
    } else if (op.op === 'remove') {
      fsStep(op.path, () => {
        try {
          unlinkSync(op.path)
        } catch (err) {
          if (!missing(err)) throw err
        }
      })
    } else fsStep(op.path, () => rmSync(op.path, { recursive: true, force: true }))
    dirs.add(dirname(op.path))
  }
  syncDirs([...dirs])
  dropJournal(paths)
}

/** Undoes the staging of a journal that never committed: its staged files and new directories go. */
export function rollbackJournal(paths: Pick<Paths, 'home'>, journal: Journal): void {
  for (const op of journal.ops) {
    if (op.op !== 'write') continue
    try {
      unlinkSync(op.temp)
    } catch (err) {
      // Never staged (or its directory never existed): nothing to undo.
      const code = (err as NodeJS.ErrnoException).code
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw describeFsError(err, op.temp, 'remove') ?? err
    }
  }
  for (const dir of [...journal.dirs].reverse()) {
    try {
      rmdirSync(dir)
    } catch {}
  }
  dropJournal(paths)
}

/**
 * Run by every writer once it holds the lock, before it reads any state: finishes or undoes what a
 * killed command left. Returns a one-line note for the user, or undefined when there was nothing.
 */
export function recoverJournal(paths: Pick<Paths, 'home'>): string | undefined {
  const journal = readJournal(paths)
  if (!journal) return undefined
  const what = `an interrupted \`claude-multi ${journal.command}\` (pid ${journal.pid}, ${journal.startedAt})`
  if (journal.state === 'committed') {
    applyJournal(paths, journal)
    return `completed ${what}`
  }
  rollbackJournal(paths, journal)
  return `rolled back ${what}; nothing of it was kept`
}

/**
 * For commands that take no lock: a committed journal describes the state the next writer will
 * complete, so reads see it instead of a half-renamed mix. Returns the journal, if any.
 */
export function overlayCommittedJournal(paths: Pick<Paths, 'home'>): Journal | undefined {
  const journal = readJournal(paths)
  if (journal?.state !== 'committed') return journal
  for (const op of journal.ops) {
    if (op.op === 'write') {
      try {
        overlay.set(op.path, readFileSync(op.temp, 'utf8'))
      } catch {}
    } else overlay.set(op.path, null)
  }
  return journal
}

/** The renames are durable only once the directory entries are (see atomic.ts syncDir). */
export function syncDirs(dirs: string[]): void {
  for (const dir of dirs) syncDir(dir)
}
