import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchText, HttpFailure, retryAfterMs } from '../../../shared/net/http.js'

/** A real server on port 0 whose routes misbehave on purpose; every request is recorded. */
let server: Server
let base: string
let other: Server
let otherBase: string
const seen: { path: string; method: string; headers: IncomingMessage['headers']; at: number }[] = []
const counters = new Map<string, number>()
const nth = (path: string) => {
  const n = (counters.get(path) ?? 0) + 1
  counters.set(path, n)
  return n
}

function route(req: IncomingMessage, res: ServerResponse) {
  const path = req.url ?? '/'
  seen.push({ path, method: req.method ?? '', headers: req.headers, at: Date.now() })
  const n = nth(path)
  if (path === '/flaky') return n < 3 ? res.writeHead(503).end('down') : res.end('{"ok":true}')
  if (path === '/busy') return n < 2 ? res.writeHead(429, { 'retry-after': '1' }).end() : res.end('ok')
  if (path === '/always-500')
    return res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"broken"}}')
  if (path === '/put-500') return res.writeHead(500).end()
  if (path === '/same') return res.writeHead(302, { location: '/flaky-free' }).end()
  if (path === '/flaky-free') return res.end('landed')
  if (path === '/away') return res.writeHead(307, { location: `${otherBase}/stolen` }).end()
  if (path === '/loop') return res.writeHead(302, { location: '/loop' }).end()
  if (path === '/big') return res.end('x'.repeat(2048))
  if (path === '/bomb')
    return res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(4 * 1024 * 1024, 'a')))
  if (path === '/drip') {
    res.writeHead(200)
    const t = setInterval(() => res.write('.'), 100)
    res.on('close', () => clearInterval(t))
    return
  }
  res.writeHead(404).end()
}

beforeAll(async () => {
  server = createServer(route)
  other = createServer(route)
  await Promise.all([
    new Promise<void>((r) => server.listen(0, '127.0.0.1', r)),
    new Promise<void>((r) => other.listen(0, 'localhost', r)),
  ])
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  otherBase = `http://localhost:${(other.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  other.closeAllConnections()
  await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => other.close(r))])
})

const opts = { timeoutMs: 5_000, maxBytes: 1024 }

describe('fetchText (ofetch with our limits)', () => {
  it('retries a GET on 5xx with backoff and returns the answer that worked', async () => {
    const res = await fetchText(`${base}/flaky`, opts)
    expect(res).toMatchObject({ status: 200, text: '{"ok":true}' })
    const tries = seen.filter((s) => s.path === '/flaky')
    expect(tries).toHaveLength(3)
    // Backoff 250 ms then 500 ms; timers never fire early, so these lower bounds hold under any load.
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(240)
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(490)
  })

  it('waits what Retry-After asks on a 429', async () => {
    const t = Date.now()
    expect((await fetchText(`${base}/busy`, opts)).text).toBe('ok')
    expect(Date.now() - t).toBeGreaterThanOrEqual(950)
  })

  it('hands back the last 5xx when retries run out, and never retries a PUT', async () => {
    const res = await fetchText(`${base}/always-500`, { ...opts, retries: 1 })
    expect(res.status).toBe(500)
    expect(res.text).toContain('broken')
    expect(seen.filter((s) => s.path === '/always-500')).toHaveLength(2)
    expect((await fetchText(`${base}/put-500`, { ...opts, method: 'PUT', body: '{}' })).status).toBe(500)
    expect(seen.filter((s) => s.path === '/put-500')).toHaveLength(1)
  })

  it('follows a redirect within the origin; refuses one to another origin before sending anything there', async () => {
    expect((await fetchText(`${base}/same`, { ...opts, headers: { 'x-api-key': 'k' } })).text).toBe('landed')
    const away = fetchText(`${base}/away`, {
      ...opts,
      headers: { 'x-api-key': 'secret', authorization: 'Bearer secret' },
    })
    await expect(away).rejects.toMatchObject({
      kind: 'redirect',
      message: expect.stringContaining('not following it with your key'),
    })
    expect(seen.some((s) => s.path === '/stolen')).toBe(false)
    await expect(fetchText(`${base}/loop`, opts)).rejects.toMatchObject({
      kind: 'redirect',
      message: expect.stringContaining('more than 5'),
    })
    // `none`: the redirect is the answer, for the caller to judge.
    expect((await fetchText(`${base}/away`, { ...opts, redirects: 'none' })).status).toBe(307)
  })

  it('caps the body, decompressed (a gzip bomb stops at the cap)', async () => {
    await expect(fetchText(`${base}/big`, opts)).rejects.toMatchObject({ kind: 'too-large' })
    await expect(fetchText(`${base}/bomb`, { ...opts, maxBytes: 64 * 1024 })).rejects.toMatchObject({
      kind: 'too-large',
    })
  })

  it('one deadline for the whole answer, however it trickles in', async () => {
    const t = Date.now()
    await expect(fetchText(`${base}/drip`, { ...opts, timeoutMs: 600, maxBytes: 1e6 })).rejects.toMatchObject({
      kind: 'timeout',
      message: expect.stringMatching(/^no answer from 127\.0\.0\.1:\d+ within 0\.6 s$/),
    })
    expect(Date.now() - t).toBeLessThan(3_000)
  })

  it('an unreachable host and a bad URL are one-line HttpFailures', async () => {
    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise((r) => closed.close(r))
    const err = await fetchText(`http://127.0.0.1:${port}/`, { ...opts, retries: 0 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HttpFailure)
    expect((err as HttpFailure).message).toBe(`could not reach 127.0.0.1:${port}: connection refused (ECONNREFUSED)`)
    await expect(fetchText('not a url', opts)).rejects.toMatchObject({ kind: 'bad-url' })
  })

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('3')).toBe(3000)
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000)
    expect(retryAfterMs('soon')).toBeUndefined()
    expect(retryAfterMs(null)).toBeUndefined()
  })
})
