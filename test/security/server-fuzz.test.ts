/**
 * Fuzzed ids, versions, headers and bodies against the real app (filesystem store, a real publish
 * token): every answer is a 2xx/3xx/4xx with a JSON body, never a 500, and nothing is ever created
 * outside the data directory. FC_RUNS raises the number of requests.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
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
import { fcParams, runs } from '../helpers/arbitraries.js'
import { type FuzzRequest, requestArbitraries } from '../helpers/request-arbitraries.js'

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

const { segment, pathArb, requestArb, publishArb } = requestArbitraries(canary)
type Req = FuzzRequest

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
