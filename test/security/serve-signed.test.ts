/** `claude-multi-registry serve --sign-key` end to end: signed index, keys.json, ETag/304, bad keys refused up front. */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { trustedKeysFrom, verifyIndex, type KeysDocument } from '../../shared/sign.js'
import type { RegistryIndex } from '../../shared/types.js'
import { ROOT, runCli, startServer } from '../helpers/server.js'

const work = mkdtempSync(join(tmpdir(), 'cm-serve-signed-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('serve --sign-key', () => {
  it('serves a signed index that verifies with /v1/keys.json, with a stable ETag', async () => {
    expect(runCli(['keygen', '--out', join(work, 'k')]).code).toBe(0)
    const data = join(work, 'data')
    cpSync(join(ROOT, 'registry/templates/glm'), join(data, 'templates/glm'), { recursive: true })
    const server = await startServer(['--data', data, '--quiet', '--sign-key', join(work, 'k/signing-key.pem')])
    try {
      const keys = (await (await fetch(`${server.url}/v1/keys.json`)).json()) as KeysDocument
      expect(keys.keys).toHaveLength(1)
      const first = await fetch(`${server.url}/v1/index.json`)
      const index = (await first.json()) as RegistryIndex
      expect(verifyIndex(index, keys.keys)).toMatchObject({ ok: true, keyId: keys.keys[0]!.keyId })
      expect(Date.parse(index.expires!) - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000)
      const etag = first.headers.get('etag')!
      const again = await fetch(`${server.url}/v1/index.json`, { headers: { 'if-none-match': etag } })
      expect(again.status).toBe(304)
    } finally {
      await server.stop()
    }
  })

  it('a rotated key is served with its rotation record and verifies from the old pin', async () => {
    expect(runCli(['keygen', '--out', join(work, 'k2'), '--rotate-from', join(work, 'k/signing-key.pem')]).code).toBe(0)
    const server = await startServer([
      '--data',
      join(work, 'data'),
      '--quiet',
      '--sign-key',
      join(work, 'k2/signing-key.pem'),
    ])
    try {
      const keys = (await (await fetch(`${server.url}/v1/keys.json`)).json()) as KeysDocument
      expect(keys.keys).toHaveLength(2)
      const oldPin = keys.keys[1]!
      const index = (await (await fetch(`${server.url}/v1/index.json`)).json()) as RegistryIndex
      expect(verifyIndex(index, [oldPin])).toMatchObject({ ok: false, reason: 'unknown-key' })
      expect(verifyIndex(index, trustedKeysFrom([oldPin], keys))).toMatchObject({ ok: true })
    } finally {
      await server.stop()
    }
  })

  it('refuses to start with a missing or unusable key, saying which file', () => {
    const missing = runCli(['serve', '--port', '0', '--data', join(work, 'data'), '--sign-key', join(work, 'nope.pem')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/cannot read the signing key .*nope\.pem.*keygen/)
    writeFileSync(join(work, 'junk.pem'), 'junk')
    const junk = runCli(['serve', '--port', '0', '--data', join(work, 'data'), '--sign-key', join(work, 'junk.pem')])
    expect(junk.stderr).toMatch(/junk\.pem is not a PEM private key/)
    const days = runCli([
      'build',
      '--out',
      join(work, 'o'),
      '--data',
      join(work, 'data'),
      '--sign-key',
      join(work, 'k/signing-key.pem'),
      '--sign-validity',
      '0',
    ])
    expect(days.code).toBe(2)
  })
})
