import semverCompare from 'semver/functions/compare.js'
import { describe, expect, it } from 'vitest'
import { compareVersions, isPrerelease, latestStable, sortVersions } from '../../shared/versions.js'

describe('version order (the one implementation)', () => {
  const mixed = ['1.2.0', '1.10.0', 'junk', '2.0.0-rc.1', '1.9.9', '2.0.0-rc.10', '2.0.0-rc.2']

  it('sorts by semver precedence either way, unparsable ones last', () => {
    expect(sortVersions(mixed, 'newest-first')).toEqual([
      '2.0.0-rc.10',
      '2.0.0-rc.2',
      '2.0.0-rc.1',
      '1.10.0',
      '1.9.9',
      '1.2.0',
      'junk',
    ])
    expect(sortVersions(mixed, 'oldest-first')).toEqual([
      '1.2.0',
      '1.9.9',
      '1.10.0',
      '2.0.0-rc.1',
      '2.0.0-rc.2',
      '2.0.0-rc.10',
      'junk',
    ])
  })

  it('agrees with node-semver on every pair', () => {
    const valid = mixed.filter((v) => v !== 'junk').concat(['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta', '1.0.0'])
    for (const a of valid) for (const b of valid) expect(compareVersions(a, b), `${a} ${b}`).toBe(semverCompare(a, b))
  })

  it('picks the highest release as latest, a prerelease only when there is nothing else', () => {
    expect(latestStable(mixed)).toBe('1.10.0')
    expect(latestStable(['2.0.0-rc.1', '2.0.0-rc.2'])).toBe('2.0.0-rc.2')
    expect(latestStable(['junk'])).toBeUndefined()
    expect([isPrerelease('1.0.0-rc.1'), isPrerelease('1.0.0'), isPrerelease('junk')]).toEqual([true, false, false])
  })
})
