import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { integrityOfText } from '../../shared/digest.js'
import { json, makeRegistry, versionDoc, type Registry } from '../helpers/app.js'

describe('read routes', () => {
  let r: Registry
  beforeEach(async () => {
    r = await makeRegistry()
    expect((await r.publish('glm', '1.0.0')).status).toBe(201)
    expect((await r.publish('glm', '1.1.0', { name: 'GLM' })).status).toBe(201)
    expect((await r.publish('@acme/gw', '0.1.0')).status).toBe(201)
  })
  afterEach(() => r.cleanup())

  it('serves the index with every id, dist-tags and strong ETag', async () => {
    const res = await r.request('/v1/index.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.headers.get('cache-control')).toBe('public, max-age=60')
    const etag = res.headers.get('etag')!
    expect(etag).toMatch(/^"[^"]+"$/)
    const index = await json(res)
    expect(index.formatVersion).toBe(1)
    expect(Object.keys(index.templates)).toEqual(['@acme/gw', 'glm'])
    expect(index.templates.glm['dist-tags'].latest).toBe('1.1.0')
    expect(index.templates.glm.name).toBe('GLM')
    expect(index.templates.glm.versions['1.0.0'].integrity).toBe(integrityOfText(versionDoc('glm', '1.0.0')))
  })

  it('answers 304 with no body when the ETag matches, 200 when it does not', async () => {
    const first = await r.request('/v1/index.json')
    const etag = first.headers.get('etag')!
    const again = await r.request('/v1/index.json', { headers: { 'if-none-match': etag } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
    expect(again.headers.get('etag')).toBe(etag)
    const weak = await r.request('/v1/index.json', { headers: { 'if-none-match': `"nope", W/${etag}` } })
    expect(weak.status).toBe(304)
    const other = await r.request('/v1/index.json', { headers: { 'if-none-match': '"other"' } })
    expect(other.status).toBe(200)
  })

  it('changes the index ETag after a publish (cache dropped)', async () => {
    const before = (await r.request('/v1/index.json')).headers.get('etag')
    await r.publish('glm', '1.2.0')
    const after = await r.request('/v1/index.json', { headers: { 'if-none-match': before! } })
    expect(after.status).toBe(200)
    expect((await json(after)).templates.glm['dist-tags'].latest).toBe('1.2.0')
  })

  it('serves one entry, the same object as in the index', async () => {
    const index = await json(await r.request('/v1/index.json'))
    for (const path of [
      '/v1/templates/glm.json',
      '/v1/templates/@acme/gw.json',
      '/v1/templates/@acme%2Fgw.json',
      '/v1/templates/@acme%2fgw.json',
    ]) {
      const res = await r.request(path)
      expect(res.status, path).toBe(200)
      const entry = await json(res)
      expect(entry).toEqual(index.templates[entry.id])
    }
  })

  it('serves version bytes verbatim with immutable caching and integrity ETag', async () => {
    for (const [id, path] of [
      ['glm', '/v1/templates/glm/1.0.0.json'],
      ['@acme/gw', '/v1/templates/@acme/gw/0.1.0.json'],
      ['@acme/gw', '/v1/templates/@acme%2Fgw/0.1.0.json'],
    ] as const) {
      const res = await r.request(path)
      expect(res.status, path).toBe(200)
      const version = path.match(/\/([^/]+)\.json$/)![1]!
      const raw = versionDoc(id, version)
      expect(await res.text()).toBe(raw)
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expect(res.headers.get('etag')).toBe(`"${integrityOfText(raw)}"`)
      const cached = await r.request(path, { headers: { 'if-none-match': res.headers.get('etag')! } })
      expect(cached.status).toBe(304)
      expect(await cached.text()).toBe('')
    }
  })

  it('answers 404 JSON for unknown ids and versions, and unknown routes', async () => {
    for (const path of [
      '/v1/templates/nope.json',
      '/v1/templates/glm/9.9.9.json',
      '/v1/templates/@acme/nope/1.0.0.json',
      '/v1/nothing',
      '/v2/index.json',
      '/v1/templates/glm/1.0.0',
    ]) {
      const res = await r.request(path)
      expect(res.status, path).toBe(404)
      const body = await json(res)
      expect(body.error.code, path).toBe('E_NOT_FOUND')
      expect(typeof body.error.message).toBe('string')
    }
  })

  it('answers 400 JSON for malformed ids and versions, never 500', async () => {
    const bad = [
      '/v1/templates/GLM.json',
      '/v1/templates/glm%2F..%2F..%2Fetc.json',
      '/v1/templates/..%2F..%2Fetc%2Fpasswd.json',
      '/v1/templates/%2e%2e.json',
      '/v1/templates/glm%00.json',
      `/v1/templates/${'a'.repeat(300)}.json`,
      '/v1/templates/glm/v1.0.0.json',
      '/v1/templates/glm/1.0.json',
      '/v1/templates/glm/%2e%2e%2F1.0.0.json',
      '/v1/templates/@acme.json',
      '/v1/templates/@ACME/gw.json',
      '/v1/templates/gl%C3%B6m.json',
      '/v1/templates/%E0%A4%A.json',
      '/v1/templates/-glm.json',
      '/v1/templates/glm%20.json',
      '/v1/templates/a/b/c.json',
      '/v1/templates/glm/1.0.0/x.json',
    ]
    for (const path of bad) {
      const res = await r.request(path)
      expect(res.status, path).toBe(400)
      const body = await json(res)
      expect(body.error.code, path).toMatch(/^E_BAD_/)
    }
  })

  it('normalised traversal never reaches the store (4xx JSON)', async () => {
    for (const path of [
      '/v1/templates/../../package.json',
      '/v1/templates/%2e%2e/%2e%2e/tokens.json',
      '/v1/templates/glm/../../tokens.json',
    ]) {
      const res = await r.request(path)
      expect(res.status, path).toBeGreaterThanOrEqual(400)
      expect(res.status, path).toBeLessThan(500)
      expect((await json(res)).error.code).toBeTypeOf('string')
    }
  })

  it('serves the JSON schema and an empty key list', async () => {
    const schema = await r.request('/v1/schema.json')
    expect(schema.status).toBe(200)
    const doc = await json(schema)
    expect(JSON.stringify(doc)).toContain('baseUrl')
    const keys = await r.request('/v1/keys.json')
    expect(await json(keys)).toEqual({ keys: [] })
  })

  it('reports health and metrics', async () => {
    const health = await r.request('/healthz')
    expect(health.status).toBe(200)
    expect(await json(health)).toEqual({ ok: true, store: 'fs' })
    await r.request('/v1/index.json')
    await r.request('/v1/templates/nope.json')
    const metrics = await (await r.request('/metrics')).text()
    expect(metrics).toContain('registry_http_requests_total{route="/v1/index.json",method="GET",status="200"} 1')
    expect(metrics).toMatch(/registry_http_requests_total\{route="\/v1\/templates\/:id",method="GET",status="404"\} 1/)
    expect(metrics).toContain('registry_publishes_total{outcome="created"} 3')
    expect(metrics).toContain('registry_upstream_failures_total 0')
  })
})

describe('health when the store is gone', () => {
  it('answers 503', async () => {
    const r = await makeRegistry()
    const { rm } = await import('node:fs/promises')
    await rm(r.dir, { recursive: true, force: true })
    const res = await r.request('/healthz')
    expect(res.status).toBe(503)
    expect((await json(res)).ok).toBe(false)
    await r.cleanup()
  })
})

describe('--auth-read', () => {
  it('needs a token for every GET except health and metrics', async () => {
    const r = await makeRegistry({ authRead: true })
    await r.publish('glm', '1.0.0')
    for (const path of [
      '/v1/index.json',
      '/v1/templates/glm.json',
      '/v1/templates/glm/1.0.0.json',
      '/v1/schema.json',
      '/',
    ]) {
      const res = await r.request(path)
      expect(res.status, path).toBe(401)
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
      const forged = await r.request(path, { headers: { authorization: 'Bearer cmr_forged' } })
      expect(forged.status, path).toBe(401)
      const ok = await r.request(path, { headers: { authorization: `Bearer ${r.tokens.reader.secret}` } })
      expect(ok.status, path).toBe(200)
      expect(ok.headers.get('cache-control') ?? 'private', path).toMatch(/^private|no-/)
    }
    expect((await r.request('/healthz')).status).toBe(200)
    expect((await r.request('/metrics')).status).toBe(200)
    await r.cleanup()
  })
})

describe('request log', () => {
  it('writes one JSON line per request without the secret', async () => {
    const lines: string[] = []
    const r = await makeRegistry({ logFormat: 'json', log: (l) => lines.push(l) })
    await r.publish('glm', '1.0.0')
    await r.request('/v1/templates/glm.json?x=secret')
    expect(lines).toHaveLength(2)
    const [put, get] = lines.map((l) => JSON.parse(l))
    expect(put).toMatchObject({
      method: 'PUT',
      path: '/v1/templates/glm/1.0.0',
      status: 201,
      token: r.tokens.all.record.id,
    })
    expect(get).toMatchObject({
      method: 'GET',
      path: '/v1/templates/glm.json',
      status: 200,
      route: '/v1/templates/:id',
    })
    expect(lines.join('')).not.toContain(r.tokens.all.secret)
    expect(lines.join('')).not.toContain('secret')
    await r.cleanup()
  })
})
