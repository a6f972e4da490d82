/**
 * The update-notice lines of a wrapper (shared/notify-lines.ts) under the render-shell property
 * suite: each case gets its own (hostile) CLAUDE_MULTI_HOME in a batch directory, laid out in one
 * of the states a launch meets, and afterwards the batch must hold exactly the stamp files the
 * lines may write (`<home>/notify/<name>.probe`) and the background check must have been started
 * exactly for the cases that were due, with that home and name. A fake `claude-multi` records each
 * start (it is what `command -v` finds first), so nothing real runs in the background.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { join, resolve } from 'node:path'
import fc from 'fast-check'
import { notifyDir } from '../../shared/notify-lines.js'
import { shQuote } from '../../shared/shell.js'
import { waitFor } from './wait.js'

/**
 * - `off`: `CLAUDE_MULTI_NOTIFY=0` in the shell (the notify dir exists: nothing may touch it);
 * - `no-dir`: nothing under the home yet (the probe cannot be written; the check is due);
 * - `not-due`: `<name>.next` is in the future (probe written, no check);
 * - `past-due`: `<name>.next` is in the past; `due`: no `<name>.next` (probe written, check started).
 */
export type NoticeState = 'off' | 'no-dir' | 'not-due' | 'past-due' | 'due'

export interface NoticeCase {
  /** An instance name from the set the client allows (`[a-z0-9][a-z0-9-]*`, at most 64). */
  name: string
  /** Appended to the case's own directory: the hostile part of the home path. */
  homeSuffix: string
  state: NoticeState
}

export const noticeCase = (hostile: fc.Arbitrary<string>): fc.Arbitrary<NoticeCase> =>
  fc.record({
    name: fc.oneof(
      fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,63}$/),
      fc.constantFrom('0', 'a--', 'x-', '9-9-9', 'rm-rf', 'notify', 'probe', 'next', 'a'.repeat(64)),
    ),
    homeSuffix: fc
      .tuple(hostile, fc.constantFrom('', '/', '//', '/.'))
      // A `..` segment would leave the case's directory (and the batch): a home is never that. No
      // control character either: renderNotifyLines refuses such a home (fixture client-relative-home).
      .map(([h, tail]) => `${h}${tail}`.replace(/[\u0000-\u001f\u007f]/g, '').replace(/(^|\/)\.\.(?=\/|$)/g, '$1_')),
    // A due check forks (a subshell, setsid, the fake): the common everyday launch is not due.
    state: fc.oneof(
      { weight: 20, arbitrary: fc.constant<NoticeState>('not-due') },
      { weight: 1, arbitrary: fc.constantFrom<NoticeState>('off', 'no-dir', 'past-due', 'due') },
    ),
  })

/** What one case's launch may leave behind, given the files as laid out. */
export interface PreparedNotice {
  home: string
  /** Set in the shell before sourcing. */
  preset: Record<string, string>
  /** Files that must exist afterwards under the batch's homes (normalized), ours included. */
  files: string[]
  /** Whether the wrapper must start `claude-multi notify <name>`. */
  started: boolean
}

const DAY = 86_400
/** Paths as readdir gives them back: a lone surrogate was written as U+FFFD. */
const asOnDisk = (p: string) => resolve(Buffer.from(p, 'utf8').toString('utf8'))

function canCreate(file: string): boolean {
  try {
    writeFileSync(file, '', { flag: 'wx' })
    unlinkSync(file)
    return true
  } catch {
    return false
  }
}

/** Lays out case `i`'s home under `homes` in its state (as far as the path allows it). */
export function prepareNotice(homes: string, i: number, c: NoticeCase): PreparedNotice {
  const home = `${homes}/c${i}/h${c.homeSuffix}`
  const stem = `${notifyDir(home)}/${c.name}`
  const files: string[] = []
  let dir = false
  if (c.state !== 'no-dir') {
    try {
      mkdirSync(notifyDir(home), { recursive: true })
      dir = true
    } catch {} // a component past NAME_MAX: the shell cannot create it either
  }
  let notDue = false
  if (dir && (c.state === 'not-due' || c.state === 'past-due')) {
    try {
      writeFileSync(`${stem}.next`, '')
      const at = Date.now() / 1000 + (c.state === 'not-due' ? DAY : -DAY)
      utimesSync(`${stem}.next`, at, at)
      files.push(`${stem}.next`)
      notDue = c.state === 'not-due'
    } catch {}
  }
  const off = c.state === 'off'
  if (!off && dir && canCreate(`${stem}.probe`)) files.push(`${stem}.probe`)
  return {
    home,
    preset: off ? { CLAUDE_MULTI_NOTIFY: '0' } : {},
    files: files.map(asOnDisk),
    started: !off && !notDue,
  }
}

/** Every non-directory entry under `root`, as absolute paths. */
function filesUnder(root: string): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else out.push(p)
    }
  }
  walk(root)
  return out
}

/** A `claude-multi` in `bin` that appends `home NUL argc NUL args…` to `<calls>/<pid>`. */
export function fakeClaudeMulti(bin: string, calls: string): void {
  mkdirSync(bin, { recursive: true })
  mkdirSync(calls, { recursive: true })
  writeFileSync(
    join(bin, 'claude-multi'),
    `#!/bin/sh\nprintf '%s\\0' "\${CLAUDE_MULTI_HOME-__UNSET__}" "$#" "$@" >>${shQuote(calls)}/"$$"\n`,
  )
  chmodSync(join(bin, 'claude-multi'), 0o755)
}

/** The starts recorded so far, each as `home NUL args` (sorted). */
function recordedStarts(calls: string): string[] {
  const out: string[] = []
  for (const f of readdirSync(calls)) {
    const fields = readFileSync(join(calls, f), 'utf8').split('\0')
    let p = 0
    while (p < fields.length - 1) {
      const home = fields[p++]!
      const argc = Number(fields[p++])
      out.push([home, ...fields.slice(p, p + argc)].join('\0'))
      p += argc
    }
  }
  return out.sort()
}

/** What `recordedStarts` must come to. */
const expectedStart = (p: PreparedNotice, name: string): string =>
  [Buffer.from(p.home, 'utf8').toString('utf8'), 'notify', name].join('\0')

const show = (v: unknown) => JSON.stringify(v).slice(0, 600)

/**
 * After a batch: the only files the notice lines wrote are the stamps (`<home>/notify/<name>.probe`),
 * nothing landed in the shell's directory but the harness's own files, and the background check
 * started exactly for the due cases, with their home and name. `names[i]`: case i's instance name.
 */
export async function noticeEffectsProblem(
  notices: (PreparedNotice | undefined)[],
  names: (string | undefined)[],
  dirs: { homes: string; calls: string; run: string },
): Promise<string | undefined> {
  const want = notices.flatMap((n, i) => (n?.started ? [expectedStart(n, names[i]!)] : [])).sort()
  // The checks run detached: wait until each has recorded itself (a missing one is reported below).
  await waitFor(() => recordedStarts(dirs.calls).length >= want.length, 30_000).catch(() => {})
  const got = recordedStarts(dirs.calls)
  if (got.join('\n') !== want.join('\n'))
    return `background checks started ${got.length} times, expected ${want.length} (${show(got.filter((g) => !want.includes(g)).slice(0, 2))} unexpected, ${show(want.filter((w) => !got.includes(w)).slice(0, 2))} missing)`
  const files = notices.flatMap((n) => n?.files ?? [])
  const found = existsSync(dirs.homes) ? filesUnder(dirs.homes) : []
  const stray = found.filter((f) => !files.includes(f))
  const missing = files.filter((f) => !found.includes(f))
  if (stray.length || missing.length)
    return `files under the homes: ${show(stray.slice(0, 3))} not expected, ${show(missing.slice(0, 3))} missing`
  const run = filesUnder(dirs.run).filter((f) => !/\/(driver\.sh|w\d+)$/.test(f))
  if (run.length) return `files written in the shell's directory: ${show(run.slice(0, 3))}`
  return undefined
}
