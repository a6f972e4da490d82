import { describe, expect, it } from 'vitest'
import { pickOrThrow, pickVersion } from '../../client/registry/pick.js'
import type { TemplateEntry } from '../../shared/types.js'

const entry = (versions: Record<string, string | undefined>, tags: Record<string, string> = {}): TemplateEntry => ({
  id: 'glm',
  name: 'GLM',
  description: '',
  'dist-tags': tags,
  versions: Object.fromEntries(
    Object.entries(versions).map(([v, dep]) => [v, { publishedAt: '2026-01-01T00:00:00.000Z', integrity: 'sha256-x', ...(dep ? { deprecated: dep } : {}) }]),
  ),
})

describe('pickVersion (npm-pick-manifest rules)', () => {
  const e = entry({ '1.0.0': undefined, '1.1.0': undefined, '1.2.0': 'broken', '2.0.0': undefined, '2.1.0-beta.1': undefined }, { latest: '1.1.0', beta: '2.1.0-beta.1' })

  it('prefers dist-tags.latest when it satisfies the range', () => {
    expect(pickVersion(e, '^1.0.0')?.version).toBe('1.1.0')
    expect(pickVersion(e, '*')?.version).toBe('1.1.0')
  })
  it('else the highest non-deprecated version in range', () => {
    expect(pickVersion(e, '^2.0.0')?.version).toBe('2.0.0')
    expect(pickVersion(e, '>=1.1.1 <2')).toEqual({ version: '1.2.0', deprecated: 'broken' })
  })
  it('an exact version pins exactly, deprecated or not', () => {
    expect(pickVersion(e, '1.0.0')?.version).toBe('1.0.0')
    expect(pickVersion(e, '1.2.0')).toEqual({ version: '1.2.0', deprecated: 'broken' })
  })
  it('a dist-tag names its version; prereleases only when asked for', () => {
    expect(pickVersion(e, 'beta')?.version).toBe('2.1.0-beta.1')
    expect(pickVersion(e, '^2.0.0')?.version).toBe('2.0.0')
    expect(pickVersion(e, '^2.1.0-beta.0')?.version).toBe('2.1.0-beta.1')
  })
  it('no match names the range and the versions that exist', () => {
    expect(() => pickOrThrow(e, '^3.0.0')).toThrow('no version of glm satisfies ^3.0.0 (available: 1.0.0, 1.1.0, 1.2.0, 2.0.0, 2.1.0-beta.1)')
  })
})
