import { createServer, type IncomingMessage, type Server } from 'node:http'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpSource } from '../../client/registry/http.js'
import { etagOf, integrityOfText } from '../../shared/digest.js'
import { indexText, makeEntry, makeIndex } from '../../shared/catalogue.js'

/**
 * The client against a static host (DESIGN: the read API can be plain files on any CDN): a tiny
 * file server with ETags, so the requests the client makes can be counted.
 */
const doc = readFileSync(new URL('../../registry/templates/glm/1.5.0.json', import.meta.url), 'utf8')
const tampered = doc.replace('glm-5.3-flash[1m]', 'evil')

describe('HttpSource', () => {
  let server: Server
  let url = ''
  const seen: IncomingMessage[] = []
  let serveTampered = false
  let index = indexText(
    makeIndex([
      makeEntry('glm', JSON.parse(doc), {
        'dist-tags': { latest: '1.5.0' },
        versions: { '1.5.0': { publishedAt: '2026-08-14T00:00:00.000Z', integrity: integrityOfText(doc) } },
      }),
    ]),
  )
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req)
      if (req.url === '/v1/index.json') {
        const etag = etagOf(index)
        if (req.headers['if-none-match'] === etag) return res.writeHead(304).end()
        return res.writeHead(200, { etag, 'content-type': 'application/json' }).end(index)
      }
      if (req.url === '/v1/templates/glm/1.5.0.json') return res.writeHead(200).end(serveTampered ? tampered : doc)
      res.writeHead(404).end('{"error":{"code":"not_found","message":"no such thing"}}')
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  const source = (cacheRoot: string, offline = false, warnings: string[] = []) =>
    new HttpSource({ name: 'public', url, cacheRoot, offline, warn: (m) => warnings.push(m) })

  it('runs the index trust check once per command: on the fresh copy before caching it, else on the cached one', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'cm-http-trust-'))
    const calls: boolean[] = []
    const trusted = () =>
      new HttpSource({
        name: 'public',
        url,
        cacheRoot: cache,
        warn: () => {},
        trust: {
          pinned: true,
          check: async (_index, fresh) => {
            calls.push(fresh)
            return { keyId: 'k1' }
          },
          checkEntry: async () => ({}),
        },
      })
    const first = trusted()
    await first.index()
    await first.index()
    expect(calls).toEqual([true])
    expect(first.signedBy).toBe('k1')
    await trusted().index() // the next command: a 304, the cached copy is checked again
    expect(calls).toEqual([true, false])
  })

  it('revalidates the index with If-None-Match once per command, and caches versions forever', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'cm-http-'))
    seen.length = 0
    const first = source(cache)
    await first.index()
    await first.index()
    const v = await first.version('glm', '1.5.0', integrityOfText(doc))
    expect(v.template.models.sonnet).toBe('glm-5.3-flash[1m]')
    expect(seen.map((r) => r.url)).toEqual(['/v1/index.json', '/v1/templates/glm/1.5.0.json'])

    seen.length = 0
    const second = source(cache)
    expect(Object.keys((await second.index()).templates)).toEqual(['glm'])
    await second.version('glm', '1.5.0', integrityOfText(doc))
    expect(seen).toHaveLength(1)
    expect(seen[0]!.headers['if-none-match']).toBe(etagOf(index))
  })

  it('refuses a document whose digest differs from the index, and caches nothing', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'cm-http-'))
    serveTampered = true
    try {
      await expect(source(cache).version('glm', '1.5.0', integrityOfText(doc))).rejects.toThrow(
        /has integrity sha256-\S+ but the index says/,
      )
    } finally {
      serveTampered = false
    }
    await expect(source(cache, true).version('glm', '1.5.0', integrityOfText(doc))).rejects.toThrow(/not in the cache/)
  })

  it('--offline never touches the network; a 404 names the URL', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'cm-http-'))
    seen.length = 0
    await expect(source(cache, true).index()).rejects.toThrow(/nothing is cached yet/)
    expect(seen).toHaveLength(0)
    await expect(source(cache).version('glm', '9.9.9')).rejects.toThrow(
      `[GET] "${url}/v1/templates/glm/9.9.9.json": 404 no such thing`,
    )
  })

  it('does not trust the serial of an index no pinned key verified (a forged one cannot poison later ones)', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'cm-http-'))
    const plain = index
    try {
      index = JSON.stringify({ ...JSON.parse(plain), serial: Number.MAX_SAFE_INTEGER })
      await source(cache).index()
      index = JSON.stringify({ ...JSON.parse(plain), serial: 4 })
      expect((await source(cache).index()).serial).toBe(4)
    } finally {
      index = plain
    }
  })
})
