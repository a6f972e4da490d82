/**
 * Fuzzed ids, versions, headers and bodies against the real app (filesystem store, a real publish
 * token): every answer is a 2xx/3xx/4xx with a JSON body, never a 500, and nothing is ever created
 * outside the data directory. FC_RUNS raises the number of requests.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { gunzipSync } from 'node:zlib'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.js'
import { createFsStore } from '../../server/stores/fs.js'
import { newToken } from '../../server/tokens.js'
import type { Store } from '../../server/stores/types.js'
import { ROOT } from '../helpers/server.js'
import { keygen } from '../../server/commands/keygen.js'
import { signingFromArgs } from '../../server/signing.js'
import { verifyIndex, type KeysDocument } from '../../shared/sign.js'
import type { RegistryIndex } from '../../shared/types.js'
import { fcParams, hostileFragments, runs } from '../helpers/arbitraries.js'

const outer = mkdtempSync(join(tmpdir(), 'cm-server-fuzz-'))
const data = join(outer, 'data')
const canary = join(outer, 'CANARY')
let store: Store
let app: ReturnType<typeof createApp>
let web: ReturnType<typeof createApp>
let token = ''
let readToken = ''
let firstSerial = 0

beforeAll(async () => {
  mkdirSync(data)
  cpSync(join(ROOT, 'registry/templates/glm'), join(data, 'templates/glm'), { recursive: true })
  cpSync(join(ROOT, 'registry/templates/minimax'), join(data, 'templates/minimax'), { recursive: true })
  store = createFsStore({ dir: data })
  const t = newToken('fuzz', ['*'], false)
  await store.addToken(t.record)
  token = t.secret
  const r = newToken('reader', ['*'], true)
  await store.addToken(r.record)
  readToken = r.secret
  // The API under fuzz signs its index, so the finalization hook is fuzzed along with everything else.
  keygen(join(outer, 'keys'))
  app = createApp({
    store,
    web: false,
    bodyLimit: 16 * 1024,
    ...signingFromArgs({ 'sign-key': join(outer, 'keys/signing-key.pem') }),
  })
  web = createApp({ store, web: true })
})

afterAll(async () => {
  app?.close()
  web?.close()
  await store?.close()
  rmSync(outer, { recursive: true, force: true })
})

const fragments = hostileFragments(canary)

/** Path segments that have escaped roots or confused routers somewhere. */
const segment = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'glm',
      'minimax',
      '@acme',
      '@acme/gw',
      'new-id',
      '1.5.0',
      '1.0.0',
      '2.0.0-rc.1',
      '9.9.9',
      'latest',
      'index',
      'templates',
      'v1',
    ),
  },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '%2E%2E',
      '.%2e',
      '%2e.',
      '..%2f',
      '..%2F..%2F',
      '%2f',
      '%2F',
      '%5c',
      '..\\..',
      '%00',
      '%00.json',
      '\u0000',
      '%',
      '%zz',
      '%c0%ae%c0%ae',
      '%ef%bc%8e%ef%bc%8e',
      '~',
      '~root',
      '@',
      '@%2e%2e',
      '@acme%2F..',
      '@acme%2Fgw',
      '@ACME/GW',
      'GLM',
      '-x',
      'a'.repeat(215),
      'a'.repeat(5000),
      '1.0.0.json',
      '1.0.0.json.json',
      '01.0.0',
      '1.0',
      'v1.0.0',
      '1.0.0+build',
      '1.0.0-',
      '1.0.0-%2e%2e',
      '.json',
      'meta',
      'meta.json',
      'tokens.json',
      '..%2ftokens',
      'x y',
      'x%20y',
      'x?y',
      'x#y',
      '%3f',
      '%23',
      'é',
      '%C3%A9',
      '𝔘',
      '%F0%9D%94%98',
      '%ff',
      '%80',
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom(...fragments).map((f) => encodeURIComponent(f)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map((s) => encodeURIComponent(s)) },
  { weight: 1, arbitrary: fc.webSegment() },
)

const pathArb = fc.oneof(
  fc.tuple(segment).map(([a]) => `/v1/templates/${a}.json`),
  fc.tuple(segment, segment).map(([a, b]) => `/v1/templates/${a}/${b}.json`),
  fc.tuple(segment, segment, segment).map(([a, b, c]) => `/v1/templates/${a}/${b}/${c}.json`),
  fc.tuple(segment, segment).map(([a, b]) => `/v1/templates/${a}/${b}`),
  fc.tuple(segment, segment).map(([a, b]) => `/v1/templates/${a}/${b}/deprecate`),
  fc.tuple(segment, segment).map(([a, b]) => `/v1/templates/${a}/dist-tags/${b}`),
  fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => `/${s.join('/')}`),
  fc.constantFrom(
    '/v1/index.json',
    '/v1/keys.json',
    '/v1/schema.json',
    '/healthz',
    '/metrics',
    '/v1/',
    '/v1/templates/',
    '//v1//index.json',
    '/v1/index.json/..',
    '/v1/./index.json',
  ),
)

const jsonish = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .record({
      id: fc.oneof(fc.constant('glm'), fc.constant('new-id'), segment),
      version: fc.oneof(fc.constant('9.9.9'), segment),
      name: fc.string(),
      description: fc.string(),
      baseUrl: fc.oneof(
        fc.constant('https://api.example.com'),
        fc.constant('http://evil.example.com'),
        fc.constant('javascript:alert(1)'),
        fc.string(),
      ),
      auth: fc.constantFrom('ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_API_KEY', 'X'),
      models: fc.dictionary(
        fc.constantFrom('default', 'fast', 'sonnet', 'opus', 'haiku', '__proto__', 'constructor'),
        fc.string(),
      ),
      env: fc.dictionary(
        fc.oneof(fc.constantFrom('__proto__', 'constructor', 'NODE_OPTIONS', 'A;B'), fc.string()),
        fc.oneof(fc.string(), fc.constantFrom(...fragments)),
      ),
      inputs: fc.anything(),
    })
    .map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '',
    '{',
    '[]',
    'null',
    '"x"',
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    '\ufeff{}',
    '{"a":1}garbage',
    'x'.repeat(20_000),
    `{"deprecated":"${'y'.repeat(30_000)}"}`,
  ),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
)

const headerArb = fc.record(
  {
    authorization: fc.oneof(
      fc.constant('Bearer '),
      fc.constant('Basic Zm9vOmJhcg=='),
      fc.constant(`Bearer ${'x'.repeat(10_000)}`),
      fc.string().map((s) => `Bearer ${s}`),
    ),
    'if-none-match': fc.oneof(fc.constant('*'), fc.constant('"x", W/"y"'), fc.string()),
    'content-type': fc.constantFrom(
      'application/json',
      'text/plain',
      'application/json; charset=latin1',
      'multipart/form-data; boundary=x',
      '',
    ),
    'accept-encoding': fc.constantFrom('gzip', 'br', 'gzip;q=0, identity', '*', ''),
    'x-forwarded-for': fc.string(),
  },
  { requiredKeys: [] },
)

const requestArb = fc.record({
  method: fc.constantFrom('GET', 'GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'),
  path: pathArb,
  query: fc.option(
    fc.oneof(
      fc.constantFrom('?v=1', '?q=%00', '?a=1&a=2', `?x=${'y'.repeat(3000)}`),
      fc.string().map((s) => `?${encodeURIComponent(s)}`),
    ),
    { nil: undefined },
  ),
  headers: headerArb,
  body: fc.option(jsonish, { nil: undefined }),
  auth: fc.constantFrom('publish', 'read', 'none', 'as-generated'),
})

/** Publishes that may well succeed: a valid document whose id/version match the (fuzzed) path. */
const baseDoc = JSON.parse(readFileSync(join(ROOT, 'registry/templates/glm/1.5.0.json'), 'utf8')) as Record<
  string,
  unknown
>
const publishArb = fc
  .record({
    id: fc.oneof(
      fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,30}$/),
      fc.stringMatching(/^@[a-z0-9]{1,8}\/[a-z0-9][a-z0-9-]{0,8}$/),
      segment,
    ),
    version: fc.oneof(
      fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map(([a, b, c]) => `${a}.${b}.${c}`),
      segment,
    ),
    envValue: fc.constantFrom(...fragments),
    encodeScope: fc.boolean(),
  })
  .map(({ id, version, envValue, encodeScope }) => ({
    method: 'PUT',
    path: `/v1/templates/${encodeScope ? id.replace('/', '%2F') : id}/${version}`,
    query: undefined,
    headers: { 'content-type': 'application/json' },
    // A hostile value where any text is allowed (a model name), so many of these publishes succeed.
    body: JSON.stringify(
      { ...baseDoc, id, version, env: { API_TIMEOUT_MS: '3000000', CLAUDE_CODE_SUBAGENT_MODEL: envValue } },
      null,
      2,
    ),
    auth: 'publish',
  }))

type Req = typeof requestArb extends fc.Arbitrary<infer T> ? T : never

function toRequest(r: Req): Request {
  const headers = new Headers()
  for (const [k, v] of Object.entries(r.headers)) {
    try {
      headers.set(k, v)
    } catch {
      // Not a valid header value (e.g. a newline): the HTTP parser would never pass it on.
    }
  }
  if (r.auth === 'publish') headers.set('authorization', `Bearer ${token}`)
  if (r.auth === 'read') headers.set('authorization', `Bearer ${readToken}`)
  if (r.auth === 'none') headers.delete('authorization')
  const hasBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD'
  return new Request(`http://registry.local${r.path}${r.query ?? ''}`, {
    method: r.method,
    headers,
    ...(hasBody ? { body: r.body } : {}),
  })
}

function filesUnder(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else out.push(relative(outer, p))
    }
  }
  walk(dir)
  return out
}

async function expectSafeAnswer(target: typeof app, r: Req, json: boolean): Promise<void> {
  let req: Request
  try {
    req = toRequest(r)
  } catch {
    return // not a URL a client could send
  }
  const res = await target.request(req)
  const raw = Buffer.from(await res.arrayBuffer())
  const body =
    res.headers.get('content-encoding') === 'gzip' && raw.length > 0
      ? gunzipSync(raw).toString('utf8')
      : raw.toString('utf8')
  const where = `${r.method} ${r.path}${r.query ?? ''} → ${res.status} ${body.slice(0, 200)}`
  expect(res.status, where).toBeLessThan(500)
  if (json && r.method !== 'HEAD' && res.status !== 304 && res.status !== 204) {
    expect(res.headers.get('content-type') ?? '', where).toMatch(/json|prometheus|text\/plain/)
    if (/json/.test(res.headers.get('content-type') ?? '')) expect(() => JSON.parse(body), where).not.toThrow()
    if (res.status >= 400)
      expect((JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }).error, where).toMatchObject({
        code: expect.any(String),
        message: expect.any(String),
      })
  }
}

describe('fuzzed requests against the real app', () => {
  it('the signed index verifies with the key /v1/keys.json lists, before and after the fuzzing', async () => {
    const keys = (await (await app.request('/v1/keys.json')).json()) as KeysDocument
    const index = (await (await app.request('/v1/index.json')).json()) as RegistryIndex
    expect(verifyIndex(index, keys.keys)).toMatchObject({ ok: true })
    firstSerial = index.serial!
  })

  it('API: every answer is a non-5xx JSON answer; errors carry {error:{code,message}}', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 4, arbitrary: requestArb }, { weight: 1, arbitrary: publishArb as fc.Arbitrary<Req> }),
        async (r) => expectSafeAnswer(app, r, !r.path.startsWith('/metrics')),
      ),
      fcParams(runs(1500)),
    )
  }, 120_000)

  it('with the web pages mounted: still never a 5xx', async () => {
    const webPath = fc.oneof(
      pathArb,
      fc.tuple(segment, fc.option(segment, { nil: undefined })).map(([a, b]) => `/t/${a}${b ? `/${b}` : ''}`),
    )
    await fc.assert(
      fc.asyncProperty(requestArb, webPath, async (r, path) => expectSafeAnswer(web, { ...r, path }, false)),
      fcParams(runs(500)),
    )
  }, 120_000)

  it('after the fuzzing, the index is re-signed with a higher serial and still verifies', async () => {
    const keys = (await (await app.request('/v1/keys.json')).json()) as KeysDocument
    const index = (await (await app.request('/v1/index.json')).json()) as RegistryIndex
    expect(verifyIndex(index, keys.keys)).toMatchObject({ ok: true })
    expect(index.serial).toBeGreaterThan(firstSerial)
    expect(Object.keys(index.templates).length).toBeGreaterThan(2)
  })

  it('nothing was created outside the data directory, and no prototype was polluted', () => {
    const outside = readdirSync(outer).filter((n) => n !== 'data' && n !== 'keys')
    expect(outside).toEqual([])
    // Only valid ids under templates/ (plus the store's own bookkeeping files) ever appear.
    for (const p of filesUnder(data)) {
      expect(p, p).toMatch(
        /^data\/(tokens\.json|\.[^/]+|templates\/(@[a-z0-9-]+\/)?[a-z0-9][a-z0-9-]*\/([^/]+\.json|\.[^/]+))$/,
      )
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
