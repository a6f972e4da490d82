/**
 * Per-id signed entries (issue 16): the signature envelope of one id's document, its domain
 * separation from the index signature, and the server's per-id serials.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { entryContent, signEntry, verifyEntry } from '../../shared/sign-entry.js'
import { generateSigningKey, signIndex, verifyIndex } from '../../shared/sign.js'
import type { RegistryIndex, TemplateEntry } from '../../shared/types.js'
import { keygen } from '../../server/commands/keygen.js'
import { createIndexSigner } from '../../server/signing.js'

const work = mkdtempSync(join(tmpdir(), 'cm-sign-entry-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const DAY = 24 * 60 * 60 * 1000
const glm: TemplateEntry = {
  id: 'glm',
  name: 'Z.AI GLM',
  description: 'GLM',
  'dist-tags': { latest: '2.1.0' },
  versions: { '2.1.0': { publishedAt: '2026-03-27T00:00:00.000Z', integrity: `sha256-${'A'.repeat(43)}=` } },
}
const a = generateSigningKey()
const b = generateSigningKey()
const expires = new Date(Date.now() + DAY).toISOString()

describe('signEntry / verifyEntry', () => {
  const signed = signEntry(glm, a.privateKeyPem, { serial: 5, expires })

  it('verifies with the key, after a JSON round trip, and keeps the entry unchanged beside the envelope', () => {
    expect(verifyEntry(JSON.parse(JSON.stringify(signed)), [a.entry])).toMatchObject({
      ok: true,
      keyId: a.entry.keyId,
      serial: 5,
    })
    expect(entryContent(signed)).toEqual(glm)
  })

  it('refuses another key, a changed byte, a changed serial, and an expired entry', () => {
    expect(verifyEntry(signed, [b.entry])).toMatchObject({ ok: false, reason: 'unknown-key' })
    const moved = { ...signed, 'dist-tags': { latest: '1.0.0' } }
    expect(verifyEntry(moved, [a.entry])).toMatchObject({ ok: false, reason: 'bad-signature' })
    expect(verifyEntry({ ...signed, serial: 6 }, [a.entry])).toMatchObject({ ok: false, reason: 'bad-signature' })
    const old = signEntry(glm, a.privateKeyPem, { serial: 5, expires: new Date(Date.now() - 1000).toISOString() })
    expect(verifyEntry(old, [a.entry])).toMatchObject({ ok: false, reason: 'expired' })
    expect(verifyEntry(old, [a.entry], { allowExpired: true })).toMatchObject({ ok: true, expired: true })
    expect(verifyEntry({ ...glm }, [a.entry])).toMatchObject({ ok: false, reason: 'missing' })
  })

  it('an index signature never verifies as an entry signature, nor the reverse (domain separation)', () => {
    // The same fields under both envelopes: only the domain line tells them apart.
    const asIndex = signIndex(glm as unknown as RegistryIndex, a.privateKeyPem, { serial: 5, expires })
    expect(verifyIndex(asIndex, [a.entry]).ok).toBe(true)
    expect(verifyEntry(asIndex, [a.entry])).toMatchObject({ ok: false, reason: 'bad-signature' })
    expect(verifyIndex(signed, [a.entry])).toMatchObject({ ok: false, reason: 'bad-signature' })
  })
})

describe('the server signs each per-id document with a serial that grows with its content', () => {
  it('same content: the same signature; new content: a higher serial; a restart: higher again', () => {
    const { keyFile } = keygen(join(work, 'k'))
    let t = Date.parse('2026-11-27T08:00:00Z')
    const first = createIndexSigner({ keyFile, now: () => t })
    const s1 = first.signEntry(glm)
    expect(first.signEntry(structuredClone(glm))).toEqual(s1)
    expect(verifyEntry(s1, [first.publicKey], { now: t }).ok).toBe(true)
    const changed: TemplateEntry = { ...glm, 'dist-tags': { latest: '2.1.0', next: '2.1.0' } }
    const s2 = first.signEntry(changed)
    expect(s2.serial).toBeGreaterThan(s1.serial)
    // Another id signed later in the same process: its own first serial, no lower than the process's first.
    expect(first.signEntry({ ...glm, id: 'kimi' }).serial).toBeGreaterThanOrEqual(s1.serial)
    // Half the validity later the same content is re-signed (a later expiry) with its serial kept.
    t += 4 * DAY
    const s3 = first.signEntry(changed)
    expect(s3.serial).toBe(s2.serial)
    expect(Date.parse(s3.expires)).toBe(t + 7 * DAY)
    // A restarted server (clock set back): the old content of glm again, above every earlier serial.
    t -= 10 * DAY
    const second = createIndexSigner({ keyFile, now: () => t })
    expect(second.signEntry(glm).serial).toBeGreaterThan(s2.serial)
  })
})
