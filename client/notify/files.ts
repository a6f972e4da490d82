/**
 * The files a wrapper's notice lines read (shared/notify-lines.ts): `<home>/notify/<name>.notice`
 * (one line, printed once and emptied by the wrapper) and `<name>.next`, whose mtime says when the
 * next background check is due. The wrapper compares mtimes only, so the stamp is set with utimes.
 */
import { closeSync, mkdirSync, openSync, statSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { notifyDir } from '../../shared/notify-lines.js'
import { safeText } from '../../shared/text.js'
import { writeFileAtomic } from '../state/atomic.js'
import { NAME_RE } from '../state/paths.js'

export const DAY_S = 86_400
/** Ten years: far enough to mean "never", small enough for every file system's timestamps. */
const MAX_INTERVAL_S = 10 * 365 * DAY_S

/** `CLAUDE_MULTI_NOTIFY_INTERVAL` in seconds (0: every launch); anything but a plain number means the default day. */
export function intervalSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.CLAUDE_MULTI_NOTIFY_INTERVAL
  if (raw === undefined || !/^\d{1,12}$/.test(raw.trim())) return DAY_S
  return Math.min(Number(raw.trim()), MAX_INTERVAL_S)
}

export const noticeFile = (home: string, name: string) => join(notifyDir(home), `${name}.notice`)
export const stampFile = (home: string, name: string) => join(notifyDir(home), `${name}.next`)
/** Every file of an instance's notice, for `remove` (none for a name no wrapper could carry). */
export const notifyFiles = (home: string, name: string) =>
  NAME_RE.test(name) ? ['notice', 'next', 'probe'].map((ext) => join(notifyDir(home), `${name}.${ext}`)) : []

/** A notice that is waiting to be printed (it goes stale once the instance is written). */
export function pendingNotice(home: string, name: string): boolean {
  if (!NAME_RE.test(name)) return false
  try {
    return statSync(noticeFile(home, name)).size > 0
  } catch {
    return false
  }
}

/** Marks the next check due `seconds` from now; set before checking, so launches meanwhile start no second check. */
export function setNextCheck(home: string, name: string, seconds: number, now = Date.now()): void {
  mkdirSync(notifyDir(home), { recursive: true, mode: 0o700 })
  const file = stampFile(home, name)
  closeSync(openSync(file, 'a', 0o600))
  const at = (now + seconds * 1000) / 1000
  utimesSync(file, at, at)
}

/** One line of inert text (registry text included), or nothing: the wrapper prints it as it is. */
export function writeNotice(home: string, name: string, line: string | undefined): void {
  writeFileAtomic(noticeFile(home, name), line ? `${safeText(line.replace(/[\r\n]+/g, ' '))}\n` : '', 0o600)
}
