import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { describeFsError } from '../../client/state/fs-errors.js'
import { readText } from '../../client/state/json-file.js'
import {
  journalPath,
  overlayCommittedJournal,
  recoverJournal,
  writeJournal,
  type Journal,
} from '../../client/state/journal.js'
import { overlay } from '../../client/state/overlay.js'
import { Transaction } from '../../client/state/transaction.js'

const tmp = () => mkdtempSync(join(tmpdir(), 'cm-journal-'))
const files = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()

afterEach(() => overlay.clear())

/** What a command killed at some point leaves: a journal in `state`, and the staged files it names. */
function interrupted(
  home: string,
  state: Journal['state'],
  targets: Record<string, string>,
  removed: string[] = [],
): Journal {
  const ops: Journal['ops'] = []
  for (const [path, data] of Object.entries(targets)) {
    const temp = `${path}.cm-test`
    writeFileSync(temp, data)
    ops.push({ op: 'write', path, temp })
  }
  for (const path of removed) ops.push({ op: 'remove', path })
  const journal: Journal = {
    journalVersion: 1,
    id: 'test',
    state,
    command: 'sync',
    pid: 4242,
    startedAt: '2026-01-01T00:00:00.000Z',
    ops,
    dirs: [],
  }
  writeJournal({ home }, journal)
  return journal
}

describe('transactions', () => {
  it('commit writes every staged file with its mode, removes what was removed, and leaves no journal or temp file', () => {
    const home = tmp()
    writeFileSync(join(home, 'old'), 'x')
    const tx = new Transaction({ home }, 'test')
    tx.write(join(home, 'a.json'), '{"a":1}\n')
    tx.write(join(home, 'new', 'deeper', 'key'), 'k\n', { mode: 0o600, dirMode: 0o700 })
    tx.remove(join(home, 'old'))
    // The command's own later reads see what it staged.
    expect(readText(join(home, 'a.json'))).toBe('{"a":1}\n')
    expect(readText(join(home, 'old'))).toBeUndefined()
    expect(existsSync(join(home, 'a.json'))).toBe(false)
    tx.commit()
    expect(files(home)).toEqual(['a.json', 'new', 'new/deeper', 'new/deeper/key'])
    expect(readFileSync(join(home, 'new', 'deeper', 'key'), 'utf8')).toBe('k\n')
    expect(statSync(join(home, 'new', 'deeper', 'key')).mode & 0o777).toBe(0o600)
    expect(statSync(join(home, 'new')).mode & 0o777).toBe(0o700)
  })

  it('file-system errors become one line naming the path and what to do', () => {
    const err = (code: string, syscall: string) =>
      Object.assign(new Error(`${code}: x`), { code, syscall, path: '/x/.claude-bb.cm-1' })
    const cases: [string, string, RegExp][] = [
      [
        'EACCES',
        'open',
        /^cannot write \/bin\/claude-bb: permission denied \(EACCES\) \(make it writable .*CLAUDE_MULTI_BIN_DIR/,
      ],
      [
        'EROFS',
        'open',
        /^cannot write \/bin\/claude-bb: the file system is read-only \(EROFS\) \(use a writable location/,
      ],
      [
        'ENOSPC',
        'write',
        /^cannot write \/bin\/claude-bb: no space left on the device \(ENOSPC\) \(free some space .*nothing was changed\)$/,
      ],
      [
        'ENAMETOOLONG',
        'open',
        /^cannot write \/bin\/claude-bb: the name is too long for the file system \(ENAMETOOLONG\) \(use a shorter instance name/,
      ],
      [
        'ENOTDIR',
        'mkdir',
        /^cannot create \/bin\/claude-bb: a part of the path is a file, not a directory \(ENOTDIR\)/,
      ],
    ]
    for (const [code, syscall, line] of cases) {
      const e = describeFsError(err(code, syscall), '/bin/claude-bb')!
      expect(`${e.message} (${e.hint})`).toMatch(line)
    }
    expect(describeFsError(new Error('not a file-system error'))).toBeUndefined()
  })

  it('a file in the way of a directory is one line naming the path', () => {
    const home = tmp()
    writeFileSync(join(home, 'config.json'), 'before')
    writeFileSync(join(home, 'bin'), 'not a directory')
    const tx = new Transaction({ home }, 'test')
    tx.write(join(home, 'config.json'), 'after')
    tx.write(join(home, 'bin', 'claude-x'), 'x', { mode: 0o755 })
    expect(() => tx.commit()).toThrow(
      /cannot (create|write) .*bin.*: a part of the path is a file, not a directory \(ENOTDIR\)/,
    )
    expect(readFileSync(join(home, 'config.json'), 'utf8')).toBe('before')
    expect(files(home)).toEqual(['bin', 'config.json'])
  })
})

describe('recovery after kill -9', () => {
  it('a journal that never committed is rolled back: staged files go, targets stay as they were', () => {
    const home = tmp()
    writeFileSync(join(home, 'lock'), 'old lock')
    interrupted(home, 'prepared', { [join(home, 'lock')]: 'new lock', [join(home, 'wrapper')]: 'new wrapper' })
    expect(recoverJournal({ home })).toBe(
      'rolled back an interrupted `claude-multi sync` (pid 4242, 2026-01-01T00:00:00.000Z); nothing of it was kept',
    )
    expect(files(home)).toEqual(['lock'])
    expect(readFileSync(join(home, 'lock'), 'utf8')).toBe('old lock')
  })

  it('a committed journal is completed, also when part of it was already done', () => {
    const home = tmp()
    writeFileSync(join(home, 'lock'), 'old lock')
    writeFileSync(join(home, 'gone'), 'x')
    const j = interrupted(
      home,
      'committed',
      { [join(home, 'lock')]: 'new lock', [join(home, 'wrapper')]: 'new wrapper' },
      [join(home, 'gone')],
    )
    // The killed run had renamed the first file already.
    const first = j.ops[0] as { temp: string; path: string }
    renameSync(first.temp, first.path)
    expect(recoverJournal({ home })).toMatch(/^completed an interrupted `claude-multi sync`/)
    expect(files(home)).toEqual(['lock', 'wrapper'])
    expect(readFileSync(join(home, 'wrapper'), 'utf8')).toBe('new wrapper')
    expect(recoverJournal({ home })).toBeUndefined()
  })

  it('readers that take no lock see a committed journal as done, and ignore one that never committed', () => {
    const home = tmp()
    writeFileSync(join(home, 'lock'), 'old lock')
    interrupted(home, 'committed', { [join(home, 'lock')]: 'new lock' })
    overlayCommittedJournal({ home })
    expect(readText(join(home, 'lock'))).toBe('new lock')
    overlay.clear()
    writeJournal({ home }, { ...JSON.parse(readFileSync(journalPath({ home }), 'utf8')), state: 'prepared' })
    overlayCommittedJournal({ home })
    expect(readText(join(home, 'lock'))).toBe('old lock')
  })

  it('a journal from a newer claude-multi is refused, not guessed at', () => {
    const home = tmp()
    writeFileSync(journalPath({ home }), JSON.stringify({ journalVersion: 2, state: 'committed', ops: [] }))
    expect(() => recoverJournal({ home })).toThrow(
      `${journalPath({ home })} was made by a newer claude-multi (journalVersion 2), upgrade claude-multi to use it`,
    )
  })
})
