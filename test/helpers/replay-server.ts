/**
 * Replays of attacks on the registry server itself: a mirror (`serve --upstream`) in front of a
 * hostile upstream, and raw requests to a plain `serve`. Each fixture lists requests with the
 * status they must get (never a 5xx), and what must not show in the answers.
 */
import { connect, type Socket } from 'node:net'
import { cpSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { ROOT, startServer } from './server.js'
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
