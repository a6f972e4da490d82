import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { json, makeRegistry, versionDoc, type Registry } from '../helpers/app.js'

/** A real upstream registry on port 0 that records every path it is asked for. */
async function startUpstream(r: Registry) {
  const seen: string[] = []
  const server: ServerType = await new Promise((resolve) => {
    const s = serve(
      {
        fetch: (req) => {
          seen.push(new URL(req.url).pathname)
          return r.app.fetch(req)
        },
        port: 0,
        hostname: '127.0.0.1',
      },
      () => resolve(s),
    )
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        ;(server as unknown as { closeAllConnections(): void }).closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

describe('mirror (--upstream)', () => {
  let upstreamRegistry: Registry
  let upstream: Awaited<ReturnType<typeof startUpstream>>
  let mirror: Registry
  let cacheDir: string
  const makeMirror = async (maxAgeSeconds: number) => {
    const m = await makeRegistry({ upstream: { url: upstream.url, maxAgeSeconds, cacheDir, timeoutMs: 2000 } })
    expect((await m.publish('shared-id', '2.0.0', { name: 'Ours' })).status).toBe(201)
    expect((await m.publish('@acme/gw', '1.0.0')).status).toBe(201)
    return m
  }

  beforeEach(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'cmr-mirror-cache-'))
    upstreamRegistry = await makeRegistry()
    for (const [id, v] of [
      ['glm', '1.0.0'],
      ['glm', '1.1.0'],
      ['shared-id', '1.0.0'],
      ['@acme/leak', '1.0.0'],
      ['@pub/x', '1.0.0'],
    ] as const) {
      expect((await upstreamRegistry.publish(id, v)).status).toBe(201)
    }
    upstream = await startUpstream(upstreamRegistry)
  })
  afterEach(async () => {
    await upstream.stop()
    await mirror?.cleanup()
    await upstreamRegistry.cleanup()
    await rm(cacheDir, { recursive: true, force: true })
  })

  it('serves both catalogues; own ids and own scopes win and never reach the upstream', async () => {
    mirror = await makeMirror(300)
    const res = await mirror.request('/v1/index.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('warning')).toBeNull()
    const index = await json(res)
    expect(Object.keys(index.templates)).toEqual(['@acme/gw', '@pub/x', 'glm', 'shared-id'])
    expect(index.templates['shared-id'].name).toBe('Ours')
    expect(Object.keys(index.templates['shared-id'].versions)).toEqual(['2.0.0'])
    expect(index.templates.glm['dist-tags'].latest).toBe('1.1.0')

    const doc = await mirror.request('/v1/templates/glm/1.0.0.json')
    expect(doc.status).toBe(200)
    expect(await doc.text()).toBe(versionDoc('glm', '1.0.0'))
    expect(doc.headers.get('cache-control')).toContain('immutable')
    expect((await mirror.request('/v1/templates/glm.json')).status).toBe(200)

    expect((await mirror.request('/v1/templates/shared-id/1.0.0.json')).status).toBe(404)
    expect((await mirror.request('/v1/templates/@acme/leak.json')).status).toBe(404)
    expect((await mirror.request('/v1/templates/@acme/leak/1.0.0.json')).status).toBe(404)
    expect((await mirror.request('/v1/templates/@acme/other/1.0.0.json')).status).toBe(404)
    expect(upstream.seen.filter((p) => p.includes('@acme') || p.includes('shared-id'))).toEqual([])

    // Refreshed at most every max-age: many reads, one upstream index request.
    for (let i = 0; i < 5; i++) await mirror.request('/v1/index.json')
    expect(upstream.seen.filter((p) => p === '/v1/index.json')).toHaveLength(1)
    // Versions are cached: the second read does not go upstream.
    await mirror.request('/v1/templates/glm/1.0.0.json')
    expect(upstream.seen.filter((p) => p === '/v1/templates/glm/1.0.0.json')).toHaveLength(1)
  })

  it('keeps serving its last good copy with a Warning when the upstream is down', async () => {
    mirror = await makeMirror(0)
    expect((await mirror.request('/v1/templates/glm/1.0.0.json')).status).toBe(200)
    await upstream.stop()

    const res = await mirror.request('/v1/index.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('warning')).toBe('110 - "upstream unreachable, serving cached copy"')
    expect(Object.keys((await json(res)).templates)).toContain('glm')
    const doc = await mirror.request('/v1/templates/glm/1.0.0.json')
    expect(doc.status).toBe(200)
    expect(await doc.text()).toBe(versionDoc('glm', '1.0.0'))
    const uncached = await mirror.request('/v1/templates/glm/1.1.0.json')
    expect(uncached.status).toBe(502)
    expect((await json(uncached)).error.code).toBe('E_UPSTREAM')
    expect((await mirror.request('/v1/templates/@acme/gw/1.0.0.json')).status).toBe(200)
    expect((await mirror.request('/healthz')).status).toBe(200)
    const metrics = await (await mirror.request('/metrics')).text()
    expect(Number(/registry_upstream_failures_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0)
  })

  it('starts from its disk cache when the upstream is down at start-up', async () => {
    mirror = await makeMirror(300)
    expect((await mirror.request('/v1/index.json')).status).toBe(200)
    expect((await mirror.request('/v1/templates/glm/1.1.0.json')).status).toBe(200)
    await mirror.cleanup()
    await upstream.stop()

    mirror = await makeMirror(300)
    const res = await mirror.request('/v1/index.json')
    expect(res.headers.get('warning')).toContain('110')
    expect(Object.keys((await json(res)).templates)).toEqual(['@acme/gw', '@pub/x', 'glm', 'shared-id'])
    expect(await (await mirror.request('/v1/templates/glm/1.1.0.json')).text()).toBe(versionDoc('glm', '1.1.0'))
  })

  it('picks up an upstream publish after max-age', async () => {
    mirror = await makeMirror(0)
    expect(Object.keys((await json(await mirror.request('/v1/index.json'))).templates)).not.toContain('newer')
    expect((await upstreamRegistry.publish('newer', '1.0.0')).status).toBe(201)
    const after = await json(await mirror.request('/v1/index.json'))
    expect(Object.keys(after.templates)).toContain('newer')
  })
})

describe('mirror of a private (--auth-read) upstream', () => {
  it('sends its upstream token; without one the upstream counts as unreachable', async () => {
    const up = await makeRegistry({ authRead: true })
    expect((await up.publish('glm', '1.0.0')).status).toBe(201)
    const server = await startUpstream(up)
    const cacheA = await mkdtemp(join(tmpdir(), 'cmr-mirror-cache-'))
    const cacheB = await mkdtemp(join(tmpdir(), 'cmr-mirror-cache-'))
    const withToken = await makeRegistry({
      upstream: { url: server.url, cacheDir: cacheA, token: up.tokens.reader.secret },
    })
    const withoutToken = await makeRegistry({ upstream: { url: server.url, cacheDir: cacheB } })
    try {
      expect(Object.keys((await json(await withToken.request('/v1/index.json'))).templates)).toEqual(['glm'])
      expect(await (await withToken.request('/v1/templates/glm/1.0.0.json')).text()).toBe(versionDoc('glm', '1.0.0'))
      const denied = await withoutToken.request('/v1/index.json')
      expect(denied.headers.get('warning')).toContain('110')
      expect((await json(denied)).templates).toEqual({})
    } finally {
      await server.stop()
      for (const r of [withToken, withoutToken, up]) await r.cleanup()
      await rm(cacheA, { recursive: true, force: true })
      await rm(cacheB, { recursive: true, force: true })
    }
  })
})
