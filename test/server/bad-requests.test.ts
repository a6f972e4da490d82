/**
 * A corpus of hostile and malformed requests: every answer must be a 4xx JSON error, and nothing
 * may be stored or changed.
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, makeRegistry, versionDoc, type Registry } from '../helpers/app.js'

interface BadRequest {
  name: string
  method: string
  path: string
  body?:
    | string
    | (() => ConstructorParameters<typeof Request>[1] extends infer I
        ? I extends { body?: infer B }
          ? B
          : never
        : never)
  headers?: Record<string, string>
  /** Which token to send: a key of the registry's tokens, a literal header value, or none. */
  auth?: 'all' | 'acme' | 'exact' | 'reader' | { header: string } | null
}

const doc = (over: Record<string, unknown> = {}, id = 'newt', version = '1.0.0') => {
  const base = JSON.parse(versionDoc(id, version))
  return JSON.stringify({ ...base, ...over })
}
const withModels = (models: unknown) => doc({ models })
const without = (key: string) => {
  const base = JSON.parse(doc())
  delete base[key]
  return JSON.stringify(base)
}

const badJson = [
  '',
  ' ',
  '{',
  '}',
  'null',
  '[]',
  '"text"',
  '42',
  'true',
  '{"id":',
  "{'id':'newt'}",
  '{"id":"newt",}',
  'NaN',
  '{"a":1}//c',
  '\u0000',
  '{"id":"newt"}{"id":"x"}',
  '[{"id":"newt"}]',
  'undefined',
  '\ufeff{}',
  '{"__proto__":{"x":1}}',
]

const wrongTypes: string[] = [
  doc({ id: 1 }),
  doc({ id: null }),
  doc({ version: 1 }),
  doc({ version: '1.0' }),
  doc({ name: [] }),
  doc({ name: '' }),
  doc({ name: 'a\nb' }),
  doc({ description: 5 }),
  doc({ homepage: 'javascript:alert(1)' }),
  doc({ baseUrl: 'http://evil.example.com' }),
  doc({ baseUrl: 'not a url' }),
  doc({ baseUrl: 42 }),
  doc({ auth: 'PASSWORD' }),
  doc({ auth: null }),
  doc({ models: 'glm' }),
  withModels({ default: 'a' }),
  withModels({ default: 1, fast: 'b', sonnet: 'a', opus: 'a', haiku: 'b' }),
  withModels({ default: 'a', fast: 'b', sonnet: 'a', opus: 'a', haiku: 'b', extra: 'c' }),
  withModels({ default: 'a\u0000', fast: 'b', sonnet: 'a', opus: 'a', haiku: 'b' }),
  doc({ env: [] }),
  doc({ env: { API_TIMEOUT_MS: 5 } }),
  doc({ env: { 'lower-case': 'x' } }),
  doc({ env: { ÄPI: 'x' } }),
  doc({ env: { ANTHROPIC_AUTH_TOKEN: 'sk-secret' } }),
  doc({ env: { ANTHROPIC_BASE_URL: 'https://x' } }),
  doc({ env: { X: 'line\nbreak' } }),
  doc({ inputs: {} }),
  doc({ inputs: [{ name: 'Bad Name', description: 'x' }] }),
  doc({ baseUrl: 'https://{{region}}.example.com' }),
  doc({ unknownField: true }),
  doc({ retired: { 'old-model': 5 } }),
  without('id'),
  without('models'),
  without('auth'),
  without('baseUrl'),
  doc({}, 'newt', '2.0.0'),
  doc({}, 'other', '1.0.0'),
  doc({ id: 'nеwt' }), // Cyrillic е: looks like the path's id, is not
]

const badIds = [
  '..%2F..%2Fetc',
  '%2e%2e',
  '.',
  'NEWT',
  'Newt',
  'a%00b',
  'a%20b',
  'a_b',
  '-newt',
  'x'.repeat(300),
  '@acme',
  '@acme%2F',
  '@%2Fx',
  '@acme%2F..',
  '@ACME/x',
  'n%C3%A9wt',
  'n%D0%B5wt',
  'new%E2%80%8Bt',
  'new%E2%80%AEt',
  '%EF%BC%AEewt',
  'newt%5C..%5C..',
  '%E0%A4%A',
  'newt%0A',
  '~newt',
]

const badVersions = [
  '1.0',
  'v1.0.0',
  '01.0.0',
  '1.0.0%00',
  '%2e%2e',
  '1.0.0%2F..',
  'latest',
  '1.0.0%0A',
  `1.0.${'9'.repeat(300)}`,
  '%E2%80%8B1.0.0',
]

const corpus: BadRequest[] = [
  ...badJson.map((body, i) => ({ name: `bad json #${i}`, method: 'PUT', path: '/v1/templates/newt/1.0.0', body })),
  ...wrongTypes.map((body, i) => ({ name: `wrong type #${i}`, method: 'PUT', path: '/v1/templates/newt/1.0.0', body })),
  ...badIds.map((id) => ({
    name: `bad id ${id.slice(0, 20)}`,
    method: 'PUT',
    path: `/v1/templates/${id}/1.0.0`,
    body: doc(),
  })),
  ...badVersions.map((v) => ({
    name: `bad version ${v.slice(0, 20)}`,
    method: 'PUT',
    path: `/v1/templates/newt/${v}`,
    body: doc(),
  })),
  {
    name: 'huge body',
    method: 'PUT',
    path: '/v1/templates/newt/1.0.0',
    body: doc({ changelog: 'x'.repeat(65 * 1024) }),
  },
  { name: 'one megabyte', method: 'PUT', path: '/v1/templates/newt/1.0.0', body: 'x'.repeat(1024 * 1024) },
  {
    name: 'huge chunked body without content-length',
    method: 'PUT',
    path: '/v1/templates/newt/1.0.0',
    body: () =>
      new ReadableStream({
        start(controller) {
          for (let i = 0; i < 80; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024)))
          controller.close()
        },
      }),
  },
  {
    name: 'huge deprecate',
    method: 'POST',
    path: '/v1/templates/glm/1.0.0/deprecate',
    body: JSON.stringify({ message: 'x'.repeat(70 * 1024) }),
  },
  ...[
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'text/json',
    'application/json-seq',
    'application/jsonx',
    '',
  ].map((type) => ({
    name: `content-type ${type || '(none)'}`,
    method: 'PUT',
    path: '/v1/templates/newt/1.0.0',
    body: doc(),
    headers: { 'content-type': type },
  })),
  ...[
    null,
    { header: 'Bearer' },
    { header: 'Bearer ' },
    { header: 'Basic dXNlcjpwYXNz' },
    { header: 'Bearer cmr_forged' },
    { header: `Bearer cmr_${'A'.repeat(43)}` },
    { header: 'Token abc' },
    { header: 'Bearer a b' },
    { header: `Bearer ${'x'.repeat(600)}` },
    { header: 'Bearer \u00e9\u00e9' },
  ].map((auth, i) => ({ name: `token #${i}`, method: 'PUT', path: '/v1/templates/newt/1.0.0', body: doc(), auth })),
  {
    name: 'out of scope: acme token, plain id',
    method: 'PUT',
    path: '/v1/templates/newt/1.0.0',
    body: doc(),
    auth: 'acme',
  },
  {
    name: 'out of scope: acme token, other scope',
    method: 'PUT',
    path: '/v1/templates/@other/newt/1.0.0',
    body: doc({}, '@other/newt'),
    auth: 'acme',
  },
  {
    name: 'out of scope: acme token, scope prefix',
    method: 'PUT',
    path: '/v1/templates/@acmex/newt/1.0.0',
    body: doc({}, '@acmex/newt'),
    auth: 'acme',
  },
  {
    name: 'out of scope: exact token, other id',
    method: 'PUT',
    path: '/v1/templates/newt/1.0.0',
    body: doc(),
    auth: 'exact',
  },
  {
    name: 'out of scope: exact token, longer id',
    method: 'PUT',
    path: '/v1/templates/glm-x/1.0.0',
    body: doc({}, 'glm-x'),
    auth: 'exact',
  },
  { name: 'read-only token publishes', method: 'PUT', path: '/v1/templates/newt/1.0.0', body: doc(), auth: 'reader' },
  {
    name: 'read-only token deprecates',
    method: 'POST',
    path: '/v1/templates/glm/1.0.0/deprecate',
    body: '{"message":"x"}',
    auth: 'reader',
  },
  {
    name: 'read-only token tags',
    method: 'PUT',
    path: '/v1/templates/glm/dist-tags/beta',
    body: '{"version":"1.0.0"}',
    auth: 'reader',
  },
  {
    name: 'acme token deprecates glm',
    method: 'POST',
    path: '/v1/templates/glm/1.0.0/deprecate',
    body: '{"message":"x"}',
    auth: 'acme',
  },
  { name: 'republish existing', method: 'PUT', path: '/v1/templates/glm/1.0.0', body: doc({}, 'glm') },
  { name: 'deprecate bad json', method: 'POST', path: '/v1/templates/glm/1.0.0/deprecate', body: '{message:' },
  { name: 'deprecate array', method: 'POST', path: '/v1/templates/glm/1.0.0/deprecate', body: '["x"]' },
  {
    name: 'deprecate number message',
    method: 'POST',
    path: '/v1/templates/glm/1.0.0/deprecate',
    body: '{"message":1}',
  },
  {
    name: 'deprecate control chars',
    method: 'POST',
    path: '/v1/templates/glm/1.0.0/deprecate',
    body: '{"message":"\\u001b[31m"}',
  },
  {
    name: 'deprecate unknown version',
    method: 'POST',
    path: '/v1/templates/glm/9.9.9/deprecate',
    body: '{"message":"x"}',
  },
  { name: 'deprecate unknown id', method: 'POST', path: '/v1/templates/nope/1.0.0/deprecate', body: '{"message":"x"}' },
  {
    name: 'deprecate bad version',
    method: 'POST',
    path: '/v1/templates/glm/..%2F1.0.0/deprecate',
    body: '{"message":"x"}',
  },
  {
    name: 'tag to missing version',
    method: 'PUT',
    path: '/v1/templates/glm/dist-tags/beta',
    body: '{"version":"9.0.0"}',
  },
  { name: 'tag bad name', method: 'PUT', path: '/v1/templates/glm/dist-tags/..%2F..', body: '{"version":"1.0.0"}' },
  { name: 'tag semver name', method: 'PUT', path: '/v1/templates/glm/dist-tags/1.0.0', body: '{"version":"1.0.0"}' },
  { name: 'tag missing version', method: 'PUT', path: '/v1/templates/glm/dist-tags/beta', body: '{}' },
  { name: 'tag bad version', method: 'PUT', path: '/v1/templates/glm/dist-tags/beta', body: '{"version":"../x"}' },
  { name: 'tag on unknown id', method: 'PUT', path: '/v1/templates/nope/dist-tags/beta', body: '{"version":"1.0.0"}' },
  { name: 'delete a version', method: 'DELETE', path: '/v1/templates/glm/1.0.0' },
  { name: 'patch a version', method: 'PATCH', path: '/v1/templates/glm/1.0.0', body: doc({}, 'glm') },
  { name: 'put under a version path', method: 'PUT', path: '/v1/templates/glm/1.0.0/extra', body: doc({}, 'glm') },
  { name: 'post publish', method: 'POST', path: '/v1/templates/newt/1.0.0', body: doc() },
  {
    name: 'invalid utf-8',
    method: 'PUT',
    path: '/v1/templates/newt/1.0.0',
    body: () => new Uint8Array([...Buffer.from(doc().slice(0, -2)), 0xff, 0xfe, 0x22, 0x7d]),
  },
  {
    name: 'utf-8 BOM before the document',
    method: 'PUT',
    path: '/v1/templates/newt/1.0.0',
    body: () => new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(doc())]),
  },
  { name: 'put the index', method: 'PUT', path: '/v1/index.json', body: '{}' },
]

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
