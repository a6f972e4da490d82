import { describe, expect, it } from 'vitest'
import { applyOverrides, merge3 } from '../../shared/merge.js'

const base = { URL: 'u1', SONNET: 's1', OPUS: 'o1', HAIKU: 'h1', TIMEOUT: 't1' }

describe('merge3 (DESIGN.md "Sync", case by case)', () => {
  it('takes theirs where the user changed nothing', () => {
    const r = merge3(base, base, { ...base, SONNET: 's2' })
    expect(r.env).toEqual({ ...base, SONNET: 's2' })
    expect(r.changes).toEqual([{ key: 'SONNET', from: 's1', to: 's2' }])
    expect(r.kept).toEqual([])
    expect(r.conflicts).toEqual([])
  })

  it('keeps ours where the user changed a value upstream left alone', () => {
    const r = merge3(base, { ...base, SONNET: 'mine' }, { ...base, OPUS: 'o2' })
    expect(r.env).toEqual({ ...base, SONNET: 'mine', OPUS: 'o2' })
    expect(r.kept).toEqual([{ key: 'SONNET', ours: 'mine', theirs: 's1' }])
    expect(r.changes).toEqual([{ key: 'OPUS', from: 'o1', to: 'o2' }])
  })

  it('is fine when both changed to the same value', () => {
    const r = merge3(base, { ...base, SONNET: 's2' }, { ...base, SONNET: 's2' })
    expect(r.env.SONNET).toBe('s2')
    expect(r).toMatchObject({ changes: [], kept: [], conflicts: [] })
  })

  it('reports a conflict and keeps ours when both changed differently; preferTheirs takes upstream', () => {
    const ours = { ...base, SONNET: 'mine' }
    const theirs = { ...base, SONNET: 's2' }
    const r = merge3(base, ours, theirs)
    expect(r.env.SONNET).toBe('mine')
    expect(r.conflicts).toEqual([{ key: 'SONNET', base: 's1', ours: 'mine', theirs: 's2' }])
    expect(r.changes).toEqual([])
    const t = merge3(base, ours, theirs, { preferTheirs: true })
    expect(t.env.SONNET).toBe('s2')
    expect(t.changes).toEqual([{ key: 'SONNET', from: 'mine', to: 's2' }])
  })

  it('keeps a variable the user deleted deleted, also when upstream changes it', () => {
    const { HAIKU: _, ...ours } = base
    expect('HAIKU' in merge3(base, ours, base).env).toBe(false)
    const r = merge3(base, ours, { ...base, HAIKU: 'h2' })
    expect('HAIKU' in r.env).toBe(false)
    expect(r.conflicts).toEqual([{ key: 'HAIKU', base: 'h1', ours: undefined, theirs: 'h2' }])
  })

  it('keeps a variable the user added, after the template variables', () => {
    const r = merge3(base, { MINE: 'x', ...base }, { ...base, NEW: 'n' })
    expect(Object.keys(r.env)).toEqual(['URL', 'SONNET', 'OPUS', 'HAIKU', 'TIMEOUT', 'NEW', 'MINE'])
    expect(r.env.MINE).toBe('x')
    expect(r.changes).toEqual([{ key: 'NEW', from: undefined, to: 'n' }])
  })

  it('removes what upstream removed when the user left it alone, keeps it when they changed it', () => {
    const { TIMEOUT: _, ...theirs } = base
    expect('TIMEOUT' in merge3(base, base, theirs).env).toBe(false)
    const r = merge3(base, { ...base, TIMEOUT: 'mine' }, theirs)
    expect(r.env.TIMEOUT).toBe('mine')
    expect(r.conflicts).toHaveLength(1)
  })

  it('adds a variable both sides added with the same value once, and flags different ones', () => {
    expect(merge3(base, { ...base, X: '1' }, { ...base, X: '1' }).conflicts).toEqual([])
    expect(merge3(base, { ...base, X: '1' }, { ...base, X: '2' }).conflicts).toEqual([
      { key: 'X', ours: '1', theirs: '2' },
    ])
  })

  it('is a no-op when nothing changed', () => {
    expect(merge3(base, base, base)).toEqual({ env: base, changes: [], kept: [], conflicts: [] })
  })
})

describe('applyOverrides', () => {
  it('sets values and removes null ones', () => {
    expect(applyOverrides(base, { SONNET: 'x', HAIKU: null, NEW: 'n' })).toEqual({
      URL: 'u1',
      SONNET: 'x',
      OPUS: 'o1',
      TIMEOUT: 't1',
      NEW: 'n',
    })
  })
})
