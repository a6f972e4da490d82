/**
 * The pre-routing fast path for the index and version documents must answer exactly what the routes
 * answer (bytes, headers, 304s, log line and metrics), and step aside whenever it cannot.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createFastPath } from '../../server/fast-path.js'
import { makeRegistry, type Registry } from '../helpers/app.js'

let r: Registry | undefined
afterEach(async () => {
  await r?.cleanup()
  r = undefined
})

const headersOf = (res: Response) => Object.fromEntries([...res.headers].filter(([k]) => k !== 'date'))

describe('fast path', () => {
  it('answers the index and a version with the same bytes and headers as the routes, and logs them', async () => {
    const lines: string[] = []
    r = await makeRegistry({ logFormat: 'json', log: (l) => lines.push(l) })
    await r.publish('glm', '1.0.0')
    // First requests go through the routes (and prepare the documents), the next ones do not.
    const routedIndex = await r.request('/v1/index.json')
    const routedVersion = await r.request('/v1/templates/glm/1.0.0.json')
    const fastIndex = await r.request('/v1/index.json')
    const fastVersion = await r.request('/v1/templates/glm/1.0.0.json?cache=bust')
    for (const [routed, fast] of [
      [routedIndex, fastIndex],
      [routedVersion, fastVersion],
    ] as const) {
      expect(fast.status).toBe(200)
      expect(headersOf(fast)).toEqual(headersOf(routed))
      expect(await fast.text()).toBe(await routed.text())
    }
    expect(fastVersion.headers.get('cache-control')).toMatch(/immutable/)
    expect(fastVersion.headers.get('content-length')).toBe(
      String(Buffer.byteLength(await (await r.request('/v1/templates/glm/1.0.0.json')).text())),
    )

    const etag = fastVersion.headers.get('etag')!
    const notModified = await r.request('/v1/templates/glm/1.0.0.json', { headers: { 'if-none-match': `W/${etag}` } })
    expect(notModified.status).toBe(304)
    expect(await notModified.text()).toBe('')

    const logged = lines.slice(1).map((l) => JSON.parse(l))
    expect(logged.map((l) => [l.path, l.route, l.status])).toEqual([
      ['/v1/index.json', '/v1/index.json', 200],
      ['/v1/templates/glm/1.0.0.json', '/v1/templates/:id/:version', 200],
      ['/v1/index.json', '/v1/index.json', 200],
      ['/v1/templates/glm/1.0.0.json', '/v1/templates/:id/:version', 200],
      ['/v1/templates/glm/1.0.0.json', '/v1/templates/:id/:version', 200],
      ['/v1/templates/glm/1.0.0.json', '/v1/templates/:id/:version', 304],
    ])
    expect(logged[0]).toMatchObject({ level: 'info', method: 'GET' })
    expect(Date.parse(logged[0].time)).toBeGreaterThan(0)
    const metrics = await (await r.request('/metrics')).text()
    expect(metrics).toContain(
      'registry_http_requests_total{route="/v1/templates/:id/:version",method="GET",status="304"} 1',
    )
    expect(metrics).toContain('registry_http_requests_total{route="/v1/index.json",method="GET",status="200"} 2')
  })

  it('serves a publish at once: the index it answers is never older than the store', async () => {
    r = await makeRegistry()
    await r.publish('glm', '1.0.0')
    await r.request('/v1/index.json')
    await r.publish('glm', '1.1.0')
    const index = (await (await r.request('/v1/index.json')).json()) as {
      templates: { glm: { versions: Record<string, unknown> } }
    }
    expect(Object.keys(index.templates.glm.versions)).toEqual(['1.0.0', '1.1.0'])
  })

  it('leaves HEAD, encoded variants and read-auth registries to the routes', async () => {
    r = await makeRegistry({ authRead: true })
    await r.publish('glm', '1.0.0')
    const auth = { authorization: `Bearer ${r.tokens.reader.secret}` }
    expect((await r.request('/v1/templates/glm/1.0.0.json', { headers: auth })).status).toBe(200)
    expect((await r.request('/v1/templates/glm/1.0.0.json')).status).toBe(401)
    expect((await r.request('/v1/index.json')).status).toBe(401)
    await r.cleanup()

    r = await makeRegistry()
    await r.publish('glm', '1.0.0')
    await r.request('/v1/templates/glm/1.0.0.json')
    const head = await r.request('/v1/templates/glm/1.0.0.json', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect((await r.request('/v1/templates/gl%6d/1.0.0.json')).status).toBe(200)
  })
})

describe('createFastPath', () => {
  it('answers only what was prepared, only for GET, and steps aside for a cold or stale index', async () => {
    r = await makeRegistry()
    await r.publish('glm', '1.0.0')
    const records: unknown[][] = []
    const log = Object.assign(async () => {}, { flush() {}, record: (...args: unknown[]) => void records.push(args) })
    const fast = createFastPath(r.app.indexService, log)
    const get = (path: string, init?: RequestInit) => fast.answer(new Request(`http://x${path}`, init), undefined)
    expect(get('/v1/index.json')).toBeUndefined()
    expect(get('/v1/templates/glm/1.0.0.json')).toBeUndefined()
    await r.app.indexService.getIndex()
    expect(get('/v1/index.json')?.status).toBe(200)
    const doc = await r.app.indexService.getVersion('glm', '1.0.0')
    if (!doc || 'unreachable' in doc) throw new Error('no version')
    fast.remember('glm', '1.0.0', doc.prepared)
    expect(await get('/v1/templates/glm/1.0.0.json')?.text()).toBe(doc.raw)
    expect(get('/v1/templates/glm/1.0.0.json', { method: 'HEAD' })).toBeUndefined()
    expect(get('/v1/templates/glm/1.0.0.json', { headers: { 'if-none-match': doc.etag } })?.status).toBe(304)
    expect(records.map((a) => a.slice(0, 4))).toEqual([
      ['GET', '/v1/index.json', '/v1/index.json', 200],
      ['GET', '/v1/templates/glm/1.0.0.json', '/v1/templates/:id/:version', 200],
      ['GET', '/v1/templates/glm/1.0.0.json', '/v1/templates/:id/:version', 304],
    ])
    r.app.indexService.invalidate()
    expect(get('/v1/index.json')).toBeUndefined()
  })
})

describe('request log', () => {
  it('escapes control and bidi characters of a decoded path in JSON lines', async () => {
    const lines: string[] = []
    r = await makeRegistry({ logFormat: 'json', log: (l) => lines.push(l) })
    await r.request('/x%c2%9b2J%e2%80%ae%1b[31m%0aforged')
    expect(lines).toHaveLength(1)
    expect(lines[0]).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/)
    expect(lines[0]!.endsWith('\n')).toBe(true)
    expect(JSON.parse(lines[0]!).path).toBe('/x\u009b2J\u202e\u001b[31m\nforged')
  })
})
