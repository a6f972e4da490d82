/**
 * A corpus of hostile and malformed requests: every answer must be a 4xx JSON error, and nothing
 * may be stored or changed.
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, makeRegistry, versionDoc, type Registry } from '../helpers/app.js'
import { corpus } from '../helpers/bad-requests.js'

describe('bad request corpus', () => {
  let r: Registry
  let before: unknown
  beforeAll(async () => {
    r = await makeRegistry()
    expect((await r.publish('glm', '1.0.0')).status).toBe(201)
    before = await r.store.getEntry('glm')
  })
  afterAll(() => r.cleanup())

  it('has at least 100 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(100)
  })

  it.each(corpus.map((c) => [c.name, c] as const))('%s → 4xx JSON error', async (_, c) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...c.headers }
    if (headers['content-type'] === '') delete headers['content-type']
    if (c.auth === undefined) headers.authorization = `Bearer ${r.tokens.all.secret}`
    else if (c.auth && typeof c.auth === 'object') headers.authorization = c.auth.header
    else if (c.auth) headers.authorization = `Bearer ${r.tokens[c.auth].secret}`
    const body = typeof c.body === 'function' ? c.body() : c.body
    const init: RequestInit & { duplex?: string } = {
      method: c.method,
      headers,
      ...(body !== undefined ? { body } : {}),
    }
    if (body instanceof ReadableStream) init.duplex = 'half'
    const res = await r.request(c.path, init)
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const payload = await json(res)
    expect(typeof payload.error.code).toBe('string')
    expect(typeof payload.error.message).toBe('string')
  })

  it('stored and changed nothing', async () => {
    expect(await r.store.listIds()).toEqual(['glm'])
    expect(await r.store.getEntry('glm')).toEqual(before)
    expect(await r.store.getVersion('glm', '1.0.0')).toBe(versionDoc('glm', '1.0.0'))
    expect((await readdir(join(r.dir, 'templates'))).sort()).toEqual(['glm'])
    expect((await readdir(join(r.dir, 'templates/glm'))).sort()).toEqual(['1.0.0.json', 'meta.json'])
    const metrics = await (await r.request('/metrics')).text()
    expect(metrics).not.toMatch(/status="5\d\d"/)
  })
})
