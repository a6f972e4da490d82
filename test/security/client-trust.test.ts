import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CliError } from '../../shared/errors.js'
import { generateSigningKey, signIndex, signKeyRotation } from '../../shared/sign.js'
import type { RegistryIndex } from '../../shared/types.js'
import { createIndexTrust, type IndexTrustOptions } from '../../client/trust/index-check.js'
import { keyFromArg } from '../../client/trust/pin.js'
import { trustFile } from '../../client/trust/state.js'

const work = mkdtempSync(join(tmpdir(), 'cm-client-trust-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const base: RegistryIndex = { formatVersion: 1, templates: {} }
const changed: RegistryIndex = {
  formatVersion: 1,
  templates: {
    x: {
      id: 'x',
      name: 'X',
      description: '',
      'dist-tags': { latest: '1.0.0' },
      versions: { '1.0.0': { publishedAt: '2026-01-01T00:00:00.000Z', integrity: 'sha256-x' } },
    },
  },
}
const a = generateSigningKey()
let homes = 0

function trust(extra: Partial<IndexTrustOptions> = {}) {
  const home = join(work, `h${homes++}`)
  return {
    home,
    t: createIndexTrust({
      name: 'acme',
      url: 'https://r.example',
      publicKey: a.entry.publicKey,
      home,
      fetchKeys: async () => undefined,
      ...extra,
    }),
  }
}

const refusal = async (p: Promise<unknown>) => {
  try {
    await p
  } catch (error) {
    expect(error).toBeInstanceOf(CliError)
    return error as CliError
  }
  throw new Error('expected a refusal')
}

describe('client index trust', () => {
  it('records the highest serial and refuses an older index with other content', async () => {
    const { home, t } = trust()
    await t.check(signIndex(base, a.privateKeyPem, { serial: 10 }), true)
    await t.check(signIndex(changed, a.privateKeyPem, { serial: 20 }), true)
    expect(JSON.parse(readFileSync(trustFile(home), 'utf8')).registries.acme.serial).toBe(20)
    const e = await refusal(t.check(signIndex(base, a.privateKeyPem, { serial: 15 }), true))
    expect(e.code).toBe('E_ROLLBACK')
    expect(e.message).toMatch(/^registry acme \(https:\/\/r\.example\) served index serial 15, older than serial 20/)
  })

  it('accepts a lower serial for the same content (a replica that re-signed a moment earlier)', async () => {
    const { t } = trust()
    await t.check(signIndex(changed, a.privateKeyPem, { serial: 101 }), true)
    await expect(t.check(signIndex(changed, a.privateKeyPem, { serial: 100 }), true)).resolves.toMatchObject({
      serial: 100,
    })
  })

  it('follows a key rotation published in keys.json, and remembers it', async () => {
    const b = generateSigningKey()
    const doc = { formatVersion: 1, keys: [signKeyRotation(b.entry, a.privateKeyPem), a.entry] }
    let fetched = 0
    const { home, t } = trust({
      fetchKeys: async () => {
        fetched++
        return doc
      },
    })
    await expect(t.check(signIndex(base, b.privateKeyPem, { serial: 5 }), true)).resolves.toMatchObject({
      keyId: b.entry.keyId,
    })
    expect(fetched).toBe(1)
    // Next command: the rotated key is known without asking keys.json again.
    const again = createIndexTrust({
      name: 'acme',
      url: 'https://r.example',
      publicKey: a.entry.publicKey,
      home,
      fetchKeys: async () => {
        fetched++
        return undefined
      },
    })
    await expect(again.check(signIndex(changed, b.privateKeyPem, { serial: 6 }), true)).resolves.toMatchObject({
      keyId: b.entry.keyId,
    })
    expect(fetched).toBe(1)
  })

  it('a keys.json entry not vouched for by a trusted key does not help', async () => {
    const evil = generateSigningKey()
    const { t } = trust({
      fetchKeys: async () => ({
        formatVersion: 1,
        keys: [evil.entry, signKeyRotation(evil.entry, evil.privateKeyPem)],
      }),
    })
    const e = await refusal(t.check(signIndex(base, evil.privateKeyPem, { serial: 5 }), true))
    expect(e.code).toBe('E_SIGNATURE')
  })

  it('expired: refused, or accepted with a warning when allowed', async () => {
    const old = signIndex(base, a.privateKeyPem, { serial: 1, expires: '2020-01-01T00:00:00.000Z' })
    expect((await refusal(trust().t.check(old, true))).code).toBe('E_EXPIRED')
    const warnings: string[] = []
    await trust({ allowExpired: true, warn: (m) => warnings.push(m) }).t.check(old, true)
    expect(warnings.join()).toMatch(/expired .*--allow-expired/)
  })

  it('without a pinned key: unsigned is fine and a serial is never recorded (a forged one cannot poison later indexes)', async () => {
    const { home, t } = trust({ publicKey: undefined as unknown as string })
    await t.check(base, true)
    await t.check({ ...changed, serial: Number.MAX_SAFE_INTEGER }, true)
    await expect(t.check({ ...base, serial: 3 }, true)).resolves.toEqual({})
    expect(existsSync(trustFile(home))).toBe(false)
  })

  it('a damaged trust.json only resets history', async () => {
    const { home, t } = trust()
    await t.check(signIndex(changed, a.privateKeyPem, { serial: 9 }), true)
    writeFileSync(trustFile(home), '{garbage')
    await expect(t.check(signIndex(base, a.privateKeyPem, { serial: 3 }), true)).resolves.toBeDefined()
  })

  it('a pinned key that is not a key is a clear configuration error', () => {
    expect(() =>
      createIndexTrust({
        name: 'acme',
        url: 'https://r.example',
        publicKey: 'nope',
        home: work,
        fetchKeys: async () => undefined,
      }),
    ).toThrow(/pinned for registry acme/)
    expect(() => keyFromArg('definitely-not-a-key')).toThrow(CliError)
    expect(keyFromArg(a.entry.publicKey).keyId).toBe(a.entry.keyId)
  })
})
