/**
 * Generators of hostile HTTP requests for the server fuzz suite (test/security/server-fuzz.test.ts):
 * path segments that escaped roots or confused routers somewhere, JSON-ish bodies, odd headers, and
 * publishes of a valid document under fuzzed ids and versions (many of which succeed).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { hostileFragments } from './arbitraries.js'
import { ROOT } from './server.js'

/** `canary`: the file a request that ran a shell would create. */
export function requestArbitraries(canary: string) {
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

  return { segment, pathArb, requestArb, publishArb }
}

/** One generated request, as the suite turns it into a `Request`. */
export type FuzzRequest = ReturnType<typeof requestArbitraries>['requestArb'] extends fc.Arbitrary<infer T> ? T : never
