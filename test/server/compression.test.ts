import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { makeRegistry } from '../helpers/app.js'

describe('gzip for the index', () => {
  it('serves the same bytes gzip-compressed, with its own ETag and Vary', async () => {
    const r = await makeRegistry()
    for (let i = 0; i < 8; i++) await r.publish(`t${i}`, '1.0.0')
    const plain = await r.request('/v1/index.json')
    const identity = Buffer.from(await plain.arrayBuffer())
    expect(identity.length).toBeGreaterThan(1024)
    expect(plain.headers.get('content-encoding')).toBeNull()
    expect(plain.headers.get('vary')).toBe('Accept-Encoding')

    const gz = await r.request('/v1/index.json', { headers: { 'accept-encoding': 'br, gzip;q=0.8' } })
    expect(gz.headers.get('content-encoding')).toBe('gzip')
    expect(gz.headers.get('vary')).toBe('Accept-Encoding')
    const compressed = Buffer.from(await gz.arrayBuffer())
    expect(compressed.length).toBeLessThan(identity.length)
    expect(gunzipSync(compressed).equals(identity)).toBe(true)
    const gzTag = gz.headers.get('etag')!
    expect(gzTag).not.toBe(plain.headers.get('etag'))

    for (const tag of [gzTag, plain.headers.get('etag')!]) {
      for (const enc of ['gzip', 'identity']) {
        const again = await r.request('/v1/index.json', { headers: { 'accept-encoding': enc, 'if-none-match': tag } })
        expect(again.status, `${tag} ${enc}`).toBe(304)
      }
    }
    const refused = await r.request('/v1/index.json', { headers: { 'accept-encoding': 'gzip;q=0' } })
    expect(refused.headers.get('content-encoding')).toBeNull()
    await r.cleanup()
  })
})
