import { describe, expect, it } from 'vitest'
import { canonicalJson, etagOf, integrityOf, integrityOfText } from '../../shared/digest.js'
import { decodeId, isValidId, isValidVersion, parseSpec, scopeOf } from '../../shared/ids.js'
import { makeEntry, makeIndex } from '../../shared/catalogue.js'
import { latestStable } from '../../shared/versions.js'

describe('canonical JSON and integrity', () => {
  it('sorts keys at every depth, so formatting and order never change the digest', () => {
    expect(canonicalJson({ b: [2, { d: 1, c: null }], a: 'x' })).toBe('{"a":"x","b":[2,{"c":null,"d":1}]}')
    const a = integrityOfText('{"a": 1, "b": {"c": 2}}')
    expect(integrityOfText('{\n  "b": {"c":2},\n  "a":1\n}\n')).toBe(a)
    expect(a).toMatch(/^sha256-[A-Za-z0-9+/]{43}=$/)
    expect(integrityOf({ a: 1, b: { c: 3 } })).not.toBe(a)
  })

  it('makes strong ETags', () => {
    expect(etagOf('x')).toMatch(/^"[\w-]{27}"$/)
    expect(etagOf('x')).not.toBe(etagOf('y'))
  })
})

describe('ids and specs', () => {
  it('accepts plain and scoped ids, refuses anything that could leave a folder', () => {
    for (const id of ['glm', 'mimo-token-plan', '@acme/gateway', 'a1']) expect(isValidId(id)).toBe(true)
    for (const id of [
      '..',
      '.',
      'GLM',
      'a/b',
      '@acme',
      '@acme/',
      '@/x',
      '-x',
      'a b',
      'x'.repeat(215),
      '@a/b/c',
      'a\0',
      '%2e%2e',
      '',
    ]) {
      expect(isValidId(id), id).toBe(false)
    }
    expect(scopeOf('@acme/gw')).toBe('@acme')
    expect(decodeId('@acme%2Fgw')).toBe('@acme/gw')
  })

  it('parses id@range specs and strict versions', () => {
    expect(parseSpec('glm')).toEqual({ id: 'glm' })
    expect(parseSpec('glm@^2')).toEqual({ id: 'glm', range: '^2' })
    expect(parseSpec('@acme/gw@1.2.0')).toEqual({ id: '@acme/gw', range: '1.2.0' })
    expect(() => parseSpec('GLM@1')).toThrow(/not a valid template id/)
    expect(isValidVersion('1.2.0')).toBe(true)
    expect(isValidVersion('1.2.0-rc.1')).toBe(true)
    for (const v of ['v1.2.0', '1.2', '=1.2.0', ' 1.2.0', '../1.0.0']) expect(isValidVersion(v), v).toBe(false)
  })
})

describe('index entries', () => {
  it('picks the highest stable latest and orders versions and ids', () => {
    expect(latestStable(['1.10.0', '1.9.0', '2.0.0-rc.1'])).toBe('1.10.0')
    expect(latestStable(['2.0.0-rc.1'])).toBe('2.0.0-rc.1')
    const v = (d: string) => ({ publishedAt: d, integrity: 'sha256-x' })
    const entry = makeEntry(
      'glm',
      { name: 'GLM', description: 'd' },
      { 'dist-tags': { next: '1.10.0' }, versions: { '1.10.0': v('b'), '1.9.0': { ...v('a'), deprecated: 'old' } } },
    )
    expect(Object.keys(entry.versions)).toEqual(['1.9.0', '1.10.0'])
    expect(entry['dist-tags']).toEqual({ latest: '1.10.0', next: '1.10.0' })
    expect(Object.keys(makeIndex([{ ...entry, id: 'z' }, entry]).templates)).toEqual(['glm', 'z'])
  })
})
