import { describe, expect, it } from 'vitest'
import { json, makeRegistry } from '../helpers/app.js'

describe('index finalization hooks (where signing slots in)', () => {
  it('runs finalizeIndex once per build, serves its result, and rebuilds after indexMaxAgeMs', async () => {
    let builds = 0
    const r = await makeRegistry({
      finalizeIndex: (index) => ({ ...index, serial: ++builds }),
      indexMaxAgeMs: 100,
      keys: () => ({ keys: [{ keyId: 'k1' }] }),
    })
    await r.publish('glm', '1.0.0')
    const first = await json(await r.request('/v1/index.json'))
    expect(first.serial).toBe(builds)
    const again = await json(await r.request('/v1/index.json'))
    expect(again.serial).toBe(first.serial)
    await new Promise((res) => setTimeout(res, 150))
    const later = await json(await r.request('/v1/index.json'))
    expect(later.serial).toBeGreaterThan(first.serial)
    expect(await json(await r.request('/v1/keys.json'))).toEqual({ keys: [{ keyId: 'k1' }] })
    await r.cleanup()
  })

  it('builds once for many concurrent requests on a cold cache', async () => {
    let builds = 0
    const r = await makeRegistry({
      finalizeIndex: (index) => {
        builds++
        return index
      },
    })
    await r.publish('glm', '1.0.0')
    builds = 0
    const etags = await Promise.all(
      Array.from({ length: 10 }, async () => (await r.request('/v1/index.json')).headers.get('etag')),
    )
    expect(builds).toBe(1)
    expect(new Set(etags).size).toBe(1)
    await r.cleanup()
  })

  it('drops the cached index when another store instance on the same dir publishes', async () => {
    const r = await makeRegistry()
    const before = await json(await r.request('/v1/index.json'))
    expect(before.templates).toEqual({})
    const { createFsStore } = await import('../../server/stores/fs.js')
    const other = createFsStore({ dir: r.dir })
    const { versionDoc } = await import('../helpers/app.js')
    const raw = versionDoc('glm', '1.0.0')
    await other.publish('glm', '1.0.0', raw, { publishedAt: '2026-01-01T00:00:00.000Z', integrity: 'sha256-x' })
    const deadline = Date.now() + 3000
    let ids: string[] = []
    while (Date.now() < deadline) {
      ids = Object.keys((await json(await r.request('/v1/index.json'))).templates)
      if (ids.length) break
      await new Promise((res) => setTimeout(res, 20))
    }
    expect(ids).toEqual(['glm'])
    await other.close()
    await r.cleanup()
  })
})
