import fc from 'fast-check'
import semverValid from 'semver/functions/valid.js'
import { describe, expect, it } from 'vitest'
import { isValidVersion } from '../../shared/ids.js'

describe('isValidVersion (no semver import on the client hot path)', () => {
  it('agrees with node-semver: valid(v) === v', () => {
    const part = fc.oneof(
      fc.constantFrom(
        '0',
        '1',
        '01',
        '10',
        '9007199254740991',
        '9007199254740992',
        '99999999999999999999',
        'x',
        '',
        '-',
      ),
      fc.nat().map(String),
    )
    const pre = fc.oneof(
      fc.constantFrom('', '-rc.1', '-0', '-01', '-alpha', '-a.b.c', '-x-y', '-1a', '-.x', '-a..b', '+build', '-rc.1+b'),
      fc.string({ maxLength: 6 }).map((s) => `-${s}`),
    )
    const version = fc.oneof(
      fc.tuple(part, part, part, pre).map(([a, b, c, p]) => `${a}.${b}.${c}${p}`),
      fc.string({ maxLength: 12 }),
      fc.constantFrom('../../../../tmp/x', 'v1.0.0', ' 1.0.0', '1.0', `1.0.0-${'a'.repeat(300)}`),
    )
    fc.assert(
      fc.property(version, (v) => {
        expect(isValidVersion(v), v).toBe(v.length <= 256 && semverValid(v) === v)
      }),
      { numRuns: 5000 },
    )
  })
})
