import { describe, expect, it } from 'vitest'
import { makeRegistry } from '../helpers/app.js'

describe('HEAD', () => {
  it('answers like GET without a body', async () => {
    const r = await makeRegistry()
    await r.publish('glm', '1.0.0')
    for (const path of ['/v1/index.json', '/v1/templates/glm.json', '/v1/templates/glm/1.0.0.json']) {
      const get = await r.request(path)
      const head = await r.request(path, { method: 'HEAD' })
      expect(head.status, path).toBe(200)
      expect(head.headers.get('etag'), path).toBe(get.headers.get('etag'))
      expect(await head.text(), path).toBe('')
    }
    expect((await r.request('/v1/templates/nope.json', { method: 'HEAD' })).status).toBe(404)
    await r.cleanup()
  })
})
