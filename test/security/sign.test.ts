import { createPublicKey } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { canonicalJson } from '../../shared/digest.js'
import { CliError } from '../../shared/errors.js'
import {
  generateSigningKey,
  keyIdOf,
  parsePublicKey,
  signIndex,
  signKeyRotation,
  trustedKeysFrom,
  verifyIndex,
  verifyKeyRotation,
  type KeysDocument,
} from '../../shared/sign.js'
import type { RegistryIndex } from '../../shared/types.js'
import { keygen } from '../../server/commands/keygen.js'
import { createIndexSigner } from '../../server/signing.js'
import { fcParams, runs } from '../helpers/arbitraries.js'

const work = mkdtempSync(join(tmpdir(), 'cm-sign-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const DAY = 24 * 60 * 60 * 1000
const index: RegistryIndex = {
  formatVersion: 1,
  templates: {
    glm: {
      id: 'glm',
      name: 'Z.AI GLM',
      description: 'GLM',
      'dist-tags': { latest: '2.1.0' },
      versions: { '2.1.0': { publishedAt: '2026-03-27T00:00:00.000Z', integrity: 'sha256-AAAA' } },
    },
  },
}
const a = generateSigningKey()
const b = generateSigningKey()

describe('signIndex / verifyIndex', () => {
  const signed = signIndex(index, a.privateKeyPem, { serial: 7 })

  it('signs the canonical index with serial, a 7-day expiry and the key id', () => {
    expect(a.entry.keyId).toMatch(/^[0-9a-f]{16}$/)
    expect(a.entry.keyId).toBe(keyIdOf(a.entry.publicKey))
    expect(signed.serial).toBe(7)
    expect(Date.parse(signed.expires!) - Date.now()).toBeGreaterThan(7 * DAY - 60_000)
    expect(signed.signature?.keyId).toBe(a.entry.keyId)
    expect(verifyIndex(signed, [a.entry])).toMatchObject({ ok: true, keyId: a.entry.keyId, serial: 7, expired: false })
  })

  it('verifies after a JSON round trip with keys in another order (canonical JSON)', () => {
    const reordered = JSON.parse(
      JSON.stringify({
        signature: signed.signature,
        templates: signed.templates,
        expires: signed.expires,
        serial: signed.serial,
        formatVersion: 1,
      }),
    )
    expect(verifyIndex(reordered, [a.entry]).ok).toBe(true)
  })

  it('refuses a missing signature, an unknown key, a bad signature and an expired index', () => {
    const { signature: _, ...unsigned } = signed
    expect(verifyIndex(unsigned, [a.entry])).toMatchObject({ ok: false, reason: 'missing' })
    expect(verifyIndex(signIndex(index, b.privateKeyPem, { serial: 7 }), [a.entry])).toMatchObject({
      ok: false,
      reason: 'unknown-key',
    })
    const altered = structuredClone(signed)
    altered.templates.glm!.versions['2.1.0']!.integrity = 'sha256-AAAB'
    expect(verifyIndex(altered, [a.entry])).toMatchObject({ ok: false, reason: 'bad-signature' })
    // A replayed signature on a bumped serial or a stretched expiry does not verify either.
    expect(verifyIndex({ ...signed, serial: 8 }, [a.entry])).toMatchObject({ ok: false, reason: 'bad-signature' })
    expect(verifyIndex({ ...signed, expires: '2099-01-01T00:00:00.000Z' }, [a.entry])).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    })
    // Key id of a trusted key, signature by another: bad signature, not unknown key.
    const forged = { ...signIndex(index, b.privateKeyPem, { serial: 7 }) }
    forged.signature = { keyId: a.entry.keyId, sig: forged.signature!.sig }
    expect(verifyIndex(forged, [a.entry])).toMatchObject({ ok: false, reason: 'bad-signature' })
    const old = signIndex(index, a.privateKeyPem, { serial: 1, expires: new Date(Date.now() - DAY).toISOString() })
    expect(verifyIndex(old, [a.entry])).toMatchObject({ ok: false, reason: 'expired' })
    expect(verifyIndex(old, [a.entry], { allowExpired: true })).toMatchObject({ ok: true, expired: true })
  })

  it('never throws on hostile input: every answer is a typed result', () => {
    const sigArb = fc.oneof(
      fc.anything(),
      fc.record({
        keyId: fc.oneof(fc.constant(a.entry.keyId), fc.string()),
        sig: fc.oneof(fc.string(), fc.base64String()),
      }),
    )
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record({
            formatVersion: fc.anything(),
            templates: fc.anything(),
            serial: fc.anything(),
            expires: fc.anything(),
            signature: sigArb,
          }),
        ),
        (doc) => {
          const res = verifyIndex(doc, [a.entry])
          expect(typeof res.ok).toBe('boolean')
          if (!res.ok) expect(res.message).toMatch(/\S/)
        },
      ),
      fcParams(runs(2000)),
    )
  })

  it('any one-character change of the signed bytes is refused', () => {
    const text = JSON.stringify(signed)
    fc.assert(
      fc.property(fc.nat(text.length - 1), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }), (at, c) => {
        const mutated = text.slice(0, at) + c + text.slice(at + 1)
        let doc: unknown
        try {
          doc = JSON.parse(mutated)
        } catch {
          return
        }
        if (canonicalJson(doc) === canonicalJson(signed)) return
        expect(verifyIndex(doc, [a.entry]).ok).toBe(false)
      }),
      fcParams(runs(2000)),
    )
  })
})

describe('key rotation', () => {
  const c = generateSigningKey()
  const bByA = signKeyRotation(b.entry, a.privateKeyPem)
  const cByB = signKeyRotation(c.entry, b.privateKeyPem)

  it('a key signed by a trusted key is trusted, also through a chain', () => {
    expect(verifyKeyRotation(bByA, [a.entry])).toMatchObject({ ok: true })
    const doc: KeysDocument = { formatVersion: 1, keys: [cByB, bByA, a.entry] }
    expect(
      trustedKeysFrom([a.entry], doc)
        .map((k) => k.keyId)
        .sort(),
    ).toEqual([a.entry.keyId, b.entry.keyId, c.entry.keyId].sort())
    const signedByC = signIndex(index, c.privateKeyPem, { serial: 9 })
    expect(verifyIndex(signedByC, trustedKeysFrom([a.entry], doc)).ok).toBe(true)
  })

  it('a rotation record is bound to its key and its signer', () => {
    const evil = generateSigningKey()
    // Record of b replayed onto evil's public key.
    expect(verifyKeyRotation({ ...bByA, keyId: evil.entry.keyId, publicKey: evil.entry.publicKey }, [a.entry]).ok).toBe(
      false,
    )
    // evil vouching for itself, or claiming a trusted signer.
    const self = signKeyRotation(evil.entry, evil.privateKeyPem)
    expect(verifyKeyRotation(self, [a.entry]).ok).toBe(false)
    expect(
      verifyKeyRotation({ ...self, rotation: { fromKeyId: a.entry.keyId, sig: self.rotation!.sig } }, [a.entry]).ok,
    ).toBe(false)
    expect(trustedKeysFrom([a.entry], { formatVersion: 1, keys: [self, cByB] }).map((k) => k.keyId)).toEqual([
      a.entry.keyId,
    ])
    expect(trustedKeysFrom([a.entry], 'not a document')).toHaveLength(1)
  })
})

describe('parsePublicKey', () => {
  it('reads base64, PEM and keygen documents, and refuses the rest', () => {
    expect(parsePublicKey(a.entry.publicKey).keyId).toBe(a.entry.keyId)
    const pem = createPublicKey(a.privateKeyPem).export({ format: 'pem', type: 'spki' }).toString()
    expect(parsePublicKey(pem).keyId).toBe(a.entry.keyId)
    expect(parsePublicKey(JSON.stringify({ formatVersion: 1, keys: [a.entry] })).keyId).toBe(a.entry.keyId)
    for (const bad of [
      '',
      'abc',
      'A'.repeat(44),
      '{"keys":[]}',
      '-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----',
    ]) {
      expect(() => parsePublicKey(bad), bad).toThrow()
    }
  })
})

describe('keygen and the server signer', () => {
  it('keygen writes the private key 0600 and refuses to overwrite it', () => {
    const dir = join(work, 'k1')
    const res = keygen(dir)
    expect(statSync(res.keyFile).mode & 0o777).toBe(0o600)
    expect(statSync(res.publicFile).mode & 0o022).toBe(0)
    const doc = JSON.parse(readFileSync(res.publicFile, 'utf8')) as KeysDocument
    expect(doc.keys[0]?.keyId).toBe(res.entry.keyId)
    expect(() => keygen(dir)).toThrow(CliError)
    expect(keygen(dir, { force: true }).entry.keyId).not.toBe(res.entry.keyId)
  })

  it('keygen --rotate-from lists the new key vouched for by the old, and the signer publishes it', () => {
    const old = keygen(join(work, 'old'))
    const fresh = keygen(join(work, 'new'), { rotateFrom: old.keyFile })
    const signer = createIndexSigner({ keyFile: fresh.keyFile, serialFile: false })
    const keys = signer.keysDocument()
    expect(keys.keys.map((k) => k.keyId)).toEqual([fresh.entry.keyId, old.entry.keyId])
    const trusted = trustedKeysFrom([old.entry], keys)
    expect(verifyIndex(signer.sign(index), trusted).ok).toBe(true)
  })

  it('serials only grow: across restarts, with the clock going backwards, and stay put for unchanged content', () => {
    const { keyFile } = keygen(join(work, 'serial'))
    let t = Date.parse('2026-11-27T08:00:00Z')
    const first = createIndexSigner({ keyFile, now: () => t })
    const s1 = first.sign(index)
    expect(first.sign(structuredClone(index))).toBe(s1) // same content: same signed bytes
    const changed: RegistryIndex = { ...index, templates: {} }
    const s2 = first.sign(changed)
    expect(s2.serial).toBeGreaterThan(s1.serial!)
    t -= 3 * DAY // clock set back, process restarted
    const second = createIndexSigner({ keyFile, now: () => t })
    const s3 = second.sign(index)
    expect(s3.serial).toBeGreaterThan(s2.serial!)
    expect(verifyIndex(s3, [second.publicKey], { now: t }).ok).toBe(true)
    // Re-signed once half the validity has passed, so it never serves an index about to expire.
    t += 4 * DAY
    const s4 = second.sign(index)
    expect(s4.serial).toBeGreaterThan(s3.serial!)
    expect(Date.parse(s4.expires!)).toBe(t + 7 * DAY)
  })

  it('refuses a missing or non-ed25519 key with a clear error', () => {
    expect(() => createIndexSigner({ keyFile: join(work, 'nope.pem') })).toThrow(/cannot read the signing key/)
    const junk = join(work, 'junk.pem')
    writeFileSync(junk, 'not a key')
    expect(() => createIndexSigner({ keyFile: junk })).toThrow(/not a PEM private key/)
  })
})
