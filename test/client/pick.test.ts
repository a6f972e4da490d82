import fc from 'fast-check'
import satisfies from 'semver/functions/satisfies.js'
import semverCompare from 'semver/functions/compare.js'
import { describe, expect, it } from 'vitest'
import { pickOrThrow, pickVersion } from '../../client/registry/pick.js'
import { simpleRange } from '../../client/registry/range.js'
import { compareVersions } from '../../shared/versions.js'
import type { TemplateEntry } from '../../shared/types.js'

const entry = (versions: Record<string, string | undefined>, tags: Record<string, string> = {}): TemplateEntry => ({
  id: 'glm',
  name: 'GLM',
  description: '',
  'dist-tags': tags,
  versions: Object.fromEntries(
    Object.entries(versions).map(([v, dep]) => [
      v,
      { publishedAt: '2026-01-01T00:00:00.000Z', integrity: 'sha256-x', ...(dep ? { deprecated: dep } : {}) },
    ]),
  ),
})

describe('pickVersion (npm-pick-manifest rules)', () => {
  const e = entry(
    { '1.0.0': undefined, '1.1.0': undefined, '1.2.0': 'broken', '2.0.0': undefined, '2.1.0-beta.1': undefined },
    { latest: '1.1.0', beta: '2.1.0-beta.1' },
  )
  const pick = async (range: string) => (await pickVersion(e, range))?.version

  it('prefers dist-tags.latest when it satisfies the range', async () => {
    expect(await pick('^1.0.0')).toBe('1.1.0')
    expect(await pick('*')).toBe('1.1.0')
  })
  it('else the highest non-deprecated version in range; all deprecated → the highest one', async () => {
    expect(await pick('^2.0.0')).toBe('2.0.0')
    expect(await pickVersion(e, '>=1.1.1 <2')).toEqual({ version: '1.2.0', deprecated: 'broken' })
  })
  it('an exact version pins exactly, deprecated or not', async () => {
    expect(await pick('1.0.0')).toBe('1.0.0')
    expect(await pickVersion(e, '1.2.0')).toEqual({ version: '1.2.0', deprecated: 'broken' })
  })
  it('a dist-tag names its version; prereleases only when asked for', async () => {
    expect(await pick('beta')).toBe('2.1.0-beta.1')
    expect(await pick('^2.1.0-beta.0')).toBe('2.1.0-beta.1')
  })
  it('no match names the range and the versions that exist', async () => {
    await expect(pickOrThrow(e, '^3.0.0')).rejects.toThrow(
      'no version of glm satisfies ^3.0.0 (available: 1.0.0, 1.1.0, 1.2.0, 2.0.0, 2.1.0-beta.1)',
    )
  })
})

describe('the fast range matcher agrees with node-semver', () => {
  const num = fc.integer({ min: 0, max: 3 })
  const pre = fc.constantFrom('', '-alpha', '-beta.1', '-0', '-rc.2', '-alpha.beta')
  const version = fc.tuple(num, num, num, pre).map(([a, b, c, p]) => `${a}.${b}.${c}${p}`)
  const range = fc.oneof(
    fc
      .tuple(fc.constantFrom('', '^', '~'), num, fc.option(num, { nil: undefined }), fc.option(num, { nil: undefined }))
      .map(
        ([op, a, b, c]) =>
          `${op}${a}${b === undefined ? '' : `.${b}`}${b === undefined || c === undefined ? '' : `.${c}`}`,
      ),
    fc.constantFrom('*', ''),
  )

  it('satisfies', () => {
    fc.assert(
      fc.property(version, range, (v, r) => {
        const fast = simpleRange(r)
        expect(fast, r).toBeDefined()
        expect(fast!(v), `${v} ${r}`).toBe(satisfies(v, r))
      }),
      { numRuns: 3000 },
    )
  })

  it('compare', () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(compareVersions(a, b), `${a} ${b}`).toBe(semverCompare(a, b))
      }),
      { numRuns: 3000 },
    )
  })

  it('leaves everything else to semver', () => {
    for (const r of ['>=1.0.0', '1.x', '^1.0.0-beta', '1 || 2', 'latest', '1.2.3 - 2'])
      expect(simpleRange(r), r).toBeUndefined()
  })
})
