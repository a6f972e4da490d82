import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { json, makeRegistry, versionDoc, type Registry } from '../helpers/app.js'

describe('publish', () => {
  let r: Registry
  beforeEach(async () => {
    r = await makeRegistry()
  })
  afterEach(() => r.cleanup())

  it('answers 201 with the entry and stores the body byte for byte', async () => {
    const body = `{"id":"glm","version":"1.0.0","name":"GLM","description":"d","baseUrl":"https://api.z.ai/api/anthropic","auth":"ANTHROPIC_AUTH_TOKEN",\n "models":{"default":"a","fast":"b","sonnet":"a","opus":"a","haiku":"b"},"env":{}}`
    const res = await r.put('/v1/templates/glm/1.0.0', body)
    expect(res.status).toBe(201)
    expect(res.headers.get('location')).toBe('/v1/templates/glm/1.0.0.json')
    const entry = await json(res)
    expect(entry).toMatchObject({ id: 'glm', name: 'GLM', 'dist-tags': { latest: '1.0.0' } })
    expect(entry.versions['1.0.0'].integrity).toMatch(/^sha256-/)
    expect(await readFile(join(r.dir, 'templates/glm/1.0.0.json'), 'utf8')).toBe(body)
    expect(await (await r.request('/v1/templates/glm/1.0.0.json')).text()).toBe(body)
  })

  it('answers 409 for an existing version and keeps the first document', async () => {
    expect((await r.publish('glm', '1.0.0')).status).toBe(201)
    const again = await r.publish('glm', '1.0.0', { description: 'other' })
    expect(again.status).toBe(409)
    expect((await json(again)).error.code).toBe('E_EXISTS')
    expect(await (await r.request('/v1/templates/glm/1.0.0.json')).text()).toBe(versionDoc('glm', '1.0.0'))
  })

  it('lets exactly one of 50 concurrent publishes win', async () => {
    const bodies = Array.from({ length: 50 }, (_, i) => versionDoc('race', '1.0.0', { description: `writer ${i}` }))
    const results = await Promise.all(bodies.map((b) => r.put('/v1/templates/race/1.0.0', b)))
    const statuses = results.map((res) => res.status)
    expect(statuses.filter((s) => s === 201)).toHaveLength(1)
    expect(statuses.filter((s) => s === 409)).toHaveLength(49)
    const winner = bodies[statuses.indexOf(201)]
    expect(await (await r.request('/v1/templates/race/1.0.0.json')).text()).toBe(winner)
  })

  it('lists every schema error with its path', async () => {
    const doc = JSON.parse(versionDoc('glm', '1.0.0'))
    doc.baseUrl = 'ftp://x'
    doc.models.sonnet = ''
    doc.auth = 'PASSWORD'
    const res = await r.put('/v1/templates/glm/1.0.0', JSON.stringify(doc))
    expect(res.status).toBe(400)
    const body = await json(res)
    expect(body.error.code).toBe('E_INVALID')
    const paths = body.error.issues.map((i: { path: string }) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['baseUrl', 'models.sonnet', 'auth']))
    expect(body.error.message).toContain('models.sonnet')
    expect(await r.store.listIds()).toEqual([])
  })

  it('refuses a body whose id or version differs from the path', async () => {
    const res = await r.put('/v1/templates/glm/1.0.0', versionDoc('kimi', '2.0.0'))
    expect(res.status).toBe(400)
    const body = await json(res)
    expect(body.error.code).toBe('E_MISMATCH')
    expect(body.error.message).toContain('kimi')
    expect(body.error.message).toContain('2.0.0')
  })

  it('moves latest only forward and never to a prerelease', async () => {
    await r.publish('glm', '1.0.0')
    const pre = await json(await r.publish('glm', '2.0.0-rc.1'))
    expect(pre['dist-tags'].latest).toBe('1.0.0')
    const older = await json(await r.publish('glm', '0.5.0'))
    expect(older['dist-tags'].latest).toBe('1.0.0')
    const newer = await json(await r.publish('glm', '1.1.0'))
    expect(newer['dist-tags'].latest).toBe('1.1.0')
  })

  it('needs a token (401), the right scope (403) and a publish token (403)', async () => {
    const noToken = await r.put('/v1/templates/glm/1.0.0', versionDoc('glm', '1.0.0'), null)
    expect(noToken.status).toBe(401)
    expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer/)
    expect((await r.publish('glm', '1.0.0', {}, 'cmr_forged')).status).toBe(401)
    const scoped = await r.publish('glm', '1.0.0', {}, r.tokens.acme.secret)
    expect(scoped.status).toBe(403)
    expect((await json(scoped)).error.code).toBe('E_SCOPE')
    const reader = await r.publish('glm', '1.0.0', {}, r.tokens.reader.secret)
    expect(reader.status).toBe(403)
    expect((await json(reader)).error.code).toBe('E_READ_ONLY')
    expect((await r.publish('@acme/gw', '1.0.0', {}, r.tokens.acme.secret)).status).toBe(201)
    expect((await r.publish('@other/gw', '1.0.0', {}, r.tokens.acme.secret)).status).toBe(403)
    expect((await r.publish('glm', '1.0.0', {}, r.tokens.exact.secret)).status).toBe(201)
    expect((await r.publish('glm-two', '1.0.0', {}, r.tokens.exact.secret)).status).toBe(403)
    expect(await r.store.listIds()).toEqual(['@acme/gw', 'glm'])
  })

  it('stops working once a token is revoked', async () => {
    await r.store.revokeToken(r.tokens.all.record.id)
    expect((await r.publish('glm', '1.0.0')).status).toBe(401)
  })

  it('answers 413 over the body limit and 415 for non-JSON', async () => {
    const big = versionDoc('glm', '1.0.0', { changelog: 'x'.repeat(70 * 1024) })
    const tooBig = await r.put('/v1/templates/glm/1.0.0', big)
    expect(tooBig.status).toBe(413)
    expect((await json(tooBig)).error.code).toBe('E_TOO_LARGE')
    const text = await r.put('/v1/templates/glm/1.0.0', versionDoc('glm', '1.0.0'), r.tokens.all.secret, {
      'content-type': 'text/plain',
    })
    expect(text.status).toBe(415)
    expect((await json(text)).error.code).toBe('E_MEDIA_TYPE')
    expect(await r.store.listIds()).toEqual([])
  })

  it('honours a custom body limit', async () => {
    const small = await makeRegistry({ bodyLimit: 200 })
    expect((await small.publish('glm', '1.0.0')).status).toBe(413)
    await small.cleanup()
  })
})

describe('deprecate and dist-tags', () => {
  let r: Registry
  const post = (path: string, body: unknown, token?: string) =>
    r.request(path, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? r.tokens.all.secret}` },
    })
  beforeEach(async () => {
    r = await makeRegistry()
    await r.publish('glm', '1.0.0')
    await r.publish('glm', '2.0.0')
  })
  afterEach(() => r.cleanup())

  it('sets and clears a deprecation, visible in the index', async () => {
    const res = await post('/v1/templates/glm/1.0.0/deprecate', { message: 'use 2.x' })
    expect(res.status).toBe(200)
    expect((await json(res)).versions['1.0.0'].deprecated).toBe('use 2.x')
    const index = await json(await r.request('/v1/index.json'))
    expect(index.templates.glm.versions['1.0.0'].deprecated).toBe('use 2.x')
    const cleared = await json(await post('/v1/templates/glm/1.0.0/deprecate', { message: '' }))
    expect(cleared.versions['1.0.0']).not.toHaveProperty('deprecated')
    expect(await (await r.request('/v1/templates/glm/1.0.0.json')).text()).toBe(versionDoc('glm', '1.0.0'))
  })

  it('refuses unknown versions, bad bodies and wrong scopes', async () => {
    expect((await post('/v1/templates/glm/9.0.0/deprecate', { message: 'x' })).status).toBe(404)
    expect((await post('/v1/templates/glm/1.0.0/deprecate', { message: 5 })).status).toBe(400)
    expect((await post('/v1/templates/glm/1.0.0/deprecate', { message: 'a\u0000b' })).status).toBe(400)
    expect((await post('/v1/templates/glm/1.0.0/deprecate', { message: 'x' }, r.tokens.acme.secret)).status).toBe(403)
    expect((await post('/v1/templates/glm/1.0.0/undeprecate', { message: 'x' })).status).toBe(404)
  })

  it('moves a dist-tag to an existing version', async () => {
    const tag = (tagName: string, body: unknown) =>
      r.request(`/v1/templates/glm/dist-tags/${tagName}`, {
        method: 'PUT',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${r.tokens.all.secret}` },
      })
    const res = await tag('stable', { version: '1.0.0' })
    expect(res.status).toBe(200)
    expect((await json(res))['dist-tags']).toEqual({ latest: '2.0.0', stable: '1.0.0' })
    expect((await tag('latest', { version: '1.0.0' })).status).toBe(200)
    expect((await json(await r.request('/v1/templates/glm.json')))['dist-tags'].latest).toBe('1.0.0')
    expect((await tag('next', { version: '3.0.0' })).status).toBe(404)
    expect((await tag('Bad Tag', { version: '1.0.0' })).status).toBe(400)
    expect((await tag('1.0.0', { version: '1.0.0' })).status).toBe(400)
    expect((await tag('next', { version: 1 })).status).toBe(400)
    expect((await tag('next', [])).status).toBe(400)
  })
})
