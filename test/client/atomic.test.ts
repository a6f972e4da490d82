import { mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeFileAtomic } from '../../client/state/atomic.js'

describe('writeFileAtomic', () => {
  it('keeps the mode of the file it replaces and leaves no temp file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-atomic-'))
    const file = join(dir, 'claude-work')
    writeFileAtomic(file, 'one\n', 0o755)
    writeFileAtomic(file, 'two\n')
    expect(readFileSync(file, 'utf8')).toBe('two\n')
    expect(statSync(file).mode & 0o777).toBe(0o755)
    expect(readdirSync(dir)).toEqual(['claude-work'])
  })

  it('removes temp files an interrupted write left, once they are stale, and only those', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-atomic-'))
    const file = join(dir, 'claude-work')
    const old = join(dir, '.claude-work.0badc0de.tmp')
    const fresh = join(dir, '.claude-work.12345678.tmp')
    const other = join(dir, '.claude-other.0badc0de.tmp')
    for (const f of [old, fresh, other]) writeFileSync(f, 'half')
    const past = new Date(Date.now() - 5 * 60_000)
    utimesSync(old, past, past)
    utimesSync(other, past, past)
    writeFileAtomic(file, 'x\n')
    expect(readdirSync(dir).sort()).toEqual(['.claude-other.0badc0de.tmp', '.claude-work.12345678.tmp', 'claude-work'])
  })
})
