/**
 * Two `serve --store postgres://…` processes on one database, as behind a load balancer.
 * Real PostgreSQL; never skipped (an unreachable database fails the file with a clear message).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { versionDoc } from '../helpers/template-docs.js'
import {
  createTestDatabase,
  createToken,
  runCli,
  startServer,
  tcpProxy,
  type ServerProcess,
  type TcpProxy,
  type TestDatabase,
} from '../helpers/postgres.js'

let db: TestDatabase
let a: ServerProcess
let b: ServerProcess
let token: string
const servers: ServerProcess[] = []

beforeAll(async () => {
  db = await createTestDatabase('cmr_e2e')
  await runCli(['import', '--from', 'registry', '--store', db.url])
  token = await createToken(db.url)
  // B is configured the other supported way: DATABASE_URL instead of --store.
  ;[a, b] = await Promise.all([startServer(['--store', db.url]), startServer([], { DATABASE_URL: db.url })])
  servers.push(a, b)
})

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()))
  await db?.drop()
})

const publish = (server: ServerProcess, id: string, version: string, extra?: Record<string, unknown>) =>
  fetch(`${server.url}/v1/templates/${id}/${version}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: versionDoc(id, version, extra),
  })

async function getIndex(server: ServerProcess) {
  const res = await fetch(`${server.url}/v1/index.json`)
  const text = await res.text()
  return { status: res.status, etag: res.headers.get('etag'), text }
}

describe('PostgreSQL store behind two replicas', () => {
  it('serves the imported catalogue from both replicas, byte-identical', async () => {
    const [ia, ib] = await Promise.all([getIndex(a), getIndex(b)])
    expect(ia.status).toBe(200)
    expect(JSON.parse(ia.text).templates.glm['dist-tags'].latest).toBeDefined()
    expect(ib.text).toBe(ia.text)
    expect(ib.etag).toBe(ia.etag)
  })

  it("shows a publish on A in B's index within a second, with a new ETag", async () => {
    const before = await getIndex(b)
    expect(before.text).not.toContain('"e2e-fresh"')
    const res = await publish(a, 'e2e-fresh', '1.0.0')
    expect(res.status).toBe(201)
    const start = Date.now()
    let after = before
    while (!after.text.includes('"e2e-fresh"') && Date.now() - start < 1000) after = await getIndex(b)
    expect(after.text).toContain('"e2e-fresh"')
    expect(Date.now() - start).toBeLessThan(1000)
    expect(after.etag).not.toBe(before.etag)
    // A conditional request with the old ETag gets the new body, not a 304.
    const conditional = await fetch(`${b.url}/v1/index.json`, { headers: { 'if-none-match': before.etag ?? '' } })
    expect(conditional.status).toBe(200)
  })

  it('lets exactly one of 50 concurrent publishes spread over both replicas win', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => publish(i % 2 ? b : a, 'e2e-race', '1.0.0', { description: `writer ${i}` })),
    )
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 201)).toHaveLength(1)
    expect(statuses.filter((s) => s === 409)).toHaveLength(49)
    const bodies = await Promise.all(results.map((r) => r.json() as Promise<{ error?: { code: string } }>))
    expect(bodies.filter((body) => body.error).every((body) => typeof body.error!.code === 'string')).toBe(true)
    // Both replicas serve the winner's bytes.
    const winner = versionDoc('e2e-race', '1.0.0', { description: `writer ${statuses.indexOf(201)}` })
    for (const server of [a, b])
      expect(await (await fetch(`${server.url}/v1/templates/e2e-race/1.0.0.json`)).text()).toBe(winner)
  })

  it('answers 503 to a request whose backend is terminated mid-query, then recovers with a fresh index', async () => {
    await getIndex(a) // warm A's cache: it must be dropped, not served on after the reconnect
    // Hold glm's row lock so that A's publish is in flight inside the database when its backend dies.
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    let locked!: () => void
    const lockTaken = new Promise<void>((r) => (locked = r))
    const holder = db.admin.begin(async (tx) => {
      await tx`select 1 from templates where id = 'glm' for update`
      locked()
      await held
    })
    try {
      await lockTaken
      const inFlight = publish(a, 'glm', '99.0.0')
      const waiting = async () =>
        (
          await db.admin`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and application_name = 'claude-multi-registry' and wait_event_type = 'Lock'`
        )[0]!.n as number
      const start = Date.now()
      while ((await waiting()) === 0 && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 20))
      expect(await waiting()).toBeGreaterThan(0)
      await db.admin`
        select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and application_name = 'claude-multi-registry'`
      const res = await inFlight
      expect(res.status).toBe(503)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('E_STORE_UNAVAILABLE')
    } finally {
      release()
      await holder
    }
    // Published through B while A's listener may still be reconnecting: A must not keep its old index.
    const statuses: number[] = []
    for (let i = 0; i < 50 && statuses.at(-1) !== 201; i++) {
      statuses.push((await publish(b, 'e2e-after-kill', '1.0.0')).status)
      if (statuses.at(-1) !== 201) await new Promise((r) => setTimeout(r, 100))
    }
    expect(statuses.at(-1)).toBe(201)
    expect(statuses.every((s) => s === 201 || s === 503)).toBe(true)
    let health = 0
    let index = await getIndex(a)
    const start = Date.now()
    while ((health !== 200 || !index.text.includes('"e2e-after-kill"')) && Date.now() - start < 5000) {
      health = (await fetch(`${a.url}/healthz`)).status
      index = await getIndex(a)
    }
    expect(health).toBe(200)
    expect(index.text).toContain('"e2e-after-kill"')
    expect(JSON.parse(index.text).templates.glm.versions).not.toHaveProperty(['99.0.0'])
  }, 30_000)

  it('round-trips the bundled catalogue through import and export byte for byte', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cmr-export-'))
    try {
      const fresh = await createTestDatabase('cmr_rt')
      try {
        await runCli(['import', '--from', 'registry', '--store', fresh.url])
        await runCli(['export', '--store', fresh.url, '--out', out])
      } finally {
        await fresh.drop()
      }
      const want = await listFiles('registry/templates')
      const got = await listFiles(join(out, 'templates'))
      expect(got.map((f) => f.path)).toEqual(want.map((f) => f.path))
      expect(want.length).toBeGreaterThan(10)
      for (const [i, file] of want.entries()) expect(got[i]!.bytes.equals(file.bytes), file.path).toBe(true)
    } finally {
      await rm(out, { recursive: true, force: true })
    }
  })
})

describe('a replica whose database goes away', () => {
  let proxy: TcpProxy
  let r: ServerProcess
  beforeAll(async () => {
    proxy = await tcpProxy()
    r = await startServer(['--store', proxy.url(db.name)])
    servers.push(r)
  })
  afterAll(async () => {
    await r?.stop()
    await proxy?.stop()
  })

  it('answers 503 JSON (never a hang or a 500) while it is gone, then recovers by itself', async () => {
    const cached = await getIndex(r)
    expect(cached.status).toBe(200)
    await proxy.stop()
    const start = Date.now()
    const health = await fetch(`${r.url}/healthz`)
    expect(health.status).toBe(503)
    const uncached = await fetch(`${r.url}/v1/templates/glm/1.0.0.json`)
    expect(uncached.status).toBe(503)
    expect(((await uncached.json()) as { error: { code: string } }).error.code).toBe('E_STORE_UNAVAILABLE')
    const write = await publish(r, 'e2e-down', '1.0.0')
    expect(write.status).toBe(503)
    // The index a replica already holds in memory is still served.
    const stillCached = await getIndex(r)
    expect(stillCached.status).toBe(200)
    expect(stillCached.etag).toBe(cached.etag)
    expect(Date.now() - start).toBeLessThan(8000)

    await proxy.start()
    // Changed by another replica while this one was cut off: it must show up without a restart.
    expect((await publish(a, 'e2e-while-down', '1.0.0')).status).toBe(201)
    let healthy = 0
    let index = cached
    const back = Date.now()
    while ((healthy !== 200 || !index.text.includes('"e2e-while-down"')) && Date.now() - back < 8000) {
      healthy = (await fetch(`${r.url}/healthz`)).status
      index = await getIndex(r)
      await new Promise((res) => setTimeout(res, 50))
    }
    expect(healthy).toBe(200)
    expect(index.text).toContain('"e2e-while-down"')
  }, 30_000)
})

async function listFiles(root: string): Promise<{ path: string; bytes: Buffer }[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
  return Promise.all(files.sort().map(async (f) => ({ path: relative(root, f), bytes: await readFile(f) })))
}
