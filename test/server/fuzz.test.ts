/** Property tests: whatever arrives in the path, headers or body, the answer is never a 5xx and never leaks outside the store. */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, makeRegistry, versionDoc, type Registry } from '../helpers/app.js'

const segment = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '..',
    '.',
    '%2e%2e',
    '%2E%2E',
    '%2f',
    '%2F',
    '%00',
    '%',
    '%zz',
    '@acme',
    '@acme%2Fgw',
    'glm',
    '1.0.0.json',
    '1.0.0',
    'dist-tags',
    'deprecate',
    '\\',
    '%5c',
    '~',
  ),
  fc.string({ unit: fc.constantFrom('a', '-', '.', '%', '2', 'e', 'f', '/', '@', '0'), maxLength: 20 }),
)
const path = fc
  .array(segment, { minLength: 1, maxLength: 5 })
  .map((parts) => `/v1/templates/${parts.map((p) => p.replace(/[?#]/g, '')).join('/')}`)

describe('fuzzed requests', () => {
  let r: Registry
  beforeAll(async () => {
    r = await makeRegistry()
    await r.publish('glm', '1.0.0')
  })
  afterAll(() => r.cleanup())

  it('GET of any path under /v1/templates answers 2xx/304/4xx JSON, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(path, async (p) => {
        let res: Response
        try {
          res = await r.request(p)
        } catch {
          return // the URL itself could not be built: nothing reached the server
        }
        expect(res.status).toBeLessThan(500)
        if (res.status >= 400) expect(typeof (await json(res)).error.code).toBe('string')
      }),
      { numRuns: 300 },
    )
  })

  it('PUT/POST of any path and body with a valid token never answers 5xx and never stores outside known ids', async () => {
    const body = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 3 }),
      fc.record({ id: fc.string(), version: fc.string() }).map((o) => versionDoc(o.id, o.version)),
    )
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('PUT', 'POST'), path, body, async (method, p, b) => {
        let res: Response
        try {
          res = await r.request(p, {
            method,
            body: b,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${r.tokens.all.secret}` },
          })
        } catch {
          return
        }
        expect(res.status).toBeLessThan(500)
      }),
      { numRuns: 300 },
    )
    for (const id of await r.store.listIds()) expect(id).toMatch(/^(?:@[a-z0-9][a-z0-9-]*\/)?[a-z0-9][a-z0-9-]*$/)
  })
})
