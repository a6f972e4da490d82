/**
 * Replays of attacks on the registry server itself: a mirror (`serve --upstream`) in front of a
 * hostile upstream, and raw requests to a plain `serve`. Each fixture lists requests with the
 * status they must get (never a 5xx), and what must not show in the answers.
 */
import { spawn } from 'node:child_process'
import { Agent, get as httpGet } from 'node:http'
import { connect, type Socket } from 'node:net'
import { cpSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { REGISTRY_CLI, ROOT, startServer } from './server.js'
import { startHostile, type HostileState } from './hostile.js'

export interface RequestCheck {
  path: string
  status: number
  /** A regex the body must not match (e.g. a hostile id or payload). */
  absent?: string
  /** A regex the body must match. */
  present?: string
}

export interface MirrorFixture {
  upstream: HostileState
  requests: RequestCheck[]
  /** The mirror's resident memory must stay below this (MB) through the requests. */
  maxRssMb?: number
}

export interface ServerFixture {
  args?: string[]
  requests?: RequestCheck[]
  /** Open this many idle connections; one more must not get an answer. */
  connections?: number
}

const data = () => {
  const dir = mkdtempSync(join(tmpdir(), 'cm-replay-data-'))
  cpSync(join(ROOT, 'registry/templates/glm'), join(dir, 'templates/glm'), { recursive: true })
  return dir
}

async function check(url: string, r: RequestCheck): Promise<void> {
  const res = await fetch(`${url}${r.path}`)
  const body = await res.text()
  expect(res.status, `${r.path}: ${body.slice(0, 300)}`).toBe(r.status)
  if (r.absent) expect(body, r.path).not.toMatch(new RegExp(r.absent))
  if (r.present) expect(body, r.path).toMatch(new RegExp(r.present))
}

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024

export async function replayMirror(f: MirrorFixture): Promise<void> {
  const upstream = await startHostile(f.upstream)
  const mirror = await startServer(['--data', data(), '--upstream', upstream.url, '--upstream-max-age', '0'])
  try {
    let peak = 0
    for (const r of f.requests) {
      await check(mirror.url, r)
      peak = Math.max(peak, rssMb(mirror.proc.pid!))
    }
    if (f.maxRssMb) expect(peak, 'mirror RSS (MB)').toBeLessThan(f.maxRssMb)
  } finally {
    await mirror.stop()
    await upstream.stop()
  }
}

export async function replayServer(f: ServerFixture): Promise<void> {
  const server = await startServer(['--data', data(), ...(f.args ?? [])])
  const sockets: Socket[] = []
  try {
    for (const r of f.requests ?? []) await check(server.url, r)
    if (f.connections) {
      const { hostname, port } = new URL(server.url)
      for (let i = 0; i < f.connections; i++) sockets.push(await open(hostname, Number(port)))
      // One more connection past the cap is closed by the server without an answer.
      const extra = await open(hostname, Number(port))
      sockets.push(extra)
      const answer = await new Promise<string>((resolve) => {
        let got = ''
        extra.on('data', (d: Buffer) => (got += d.toString()))
        extra.on('close', () => resolve(got))
        extra.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')
        setTimeout(() => resolve(got), 3000)
      })
      expect(answer, 'a connection past --max-connections gets no answer').toBe('')
      for (const s of sockets) s.destroy()
      await new Promise((r) => setTimeout(r, 300))
      await check(server.url, { path: '/healthz', status: 200 })
    }
  } finally {
    for (const s of sockets) s.destroy()
    await server.stop()
  }
}

const open = (host: string, port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const s = connect(port, host, () => resolve(s))
    s.on('error', reject)
  })

export interface BlockedLogFixture {
  /** Requests sent while stderr is not read, each with a path this long. */
  requests: number
  pathBytes: number
}

/**
 * `serve` (JSON request log) with its stderr not being read, then flooded; then stderr drains.
 * Every request is either its own whole line or counted in a "N request log lines dropped" line,
 * so nothing was queued without bound and nothing was lost without a word.
 */
export async function replayBlockedLog(f: BlockedLogFixture): Promise<void> {
  const proc = spawn(process.execPath, [REGISTRY_CLI, 'serve', '--port', '0', '--data', data()], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // Not read: once the pipe and this side's buffer are full, the server's writes to stderr stall.
  proc.stderr!.pause()
  const agent = new Agent({ keepAlive: true, maxSockets: 16 })
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = ''
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /listening on (http:\/\/\S+)/.exec(out)
        if (m) resolve(m[1]!)
      })
      proc.once('exit', (code) => reject(new Error(`serve exited with ${code}`)))
    })
    const path = `/x${'a'.repeat(f.pathBytes - 2)}`
    const get = () =>
      new Promise<void>((resolve, reject) => {
        httpGet(`${url}${path}`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject)
      })
    let sent = 0
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (sent < f.requests) {
          sent++
          await get()
        }
      }),
    )
    let text = ''
    let last = Date.now()
    proc.stderr!.on('data', (d: Buffer) => {
      text += d.toString()
      last = Date.now()
    })
    proc.stderr!.resume()
    while (Date.now() - last < 1500) await new Promise((r) => setTimeout(r, 100))
    const lines = text.split('\n').filter(Boolean)
    const parsed = lines.map((l) => JSON.parse(l) as { path?: string; msg?: string })
    const logged = parsed.filter((l) => l.path === path).length
    const dropped = parsed
      .map((l) => Number(/^(\d+) request log lines dropped: stderr was not being read$/.exec(l.msg ?? '')?.[1] ?? 0))
      .reduce((a, b) => a + b, 0)
    expect(dropped, 'lines dropped while stderr was blocked').toBeGreaterThan(0)
    expect(logged + dropped, 'every request logged or counted').toBe(f.requests)
  } finally {
    agent.destroy()
    proc.kill('SIGKILL')
  }
}
