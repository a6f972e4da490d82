import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresStore, StoreUnavailableError } from '../../server/stores/postgres.js'
import { MIGRATIONS, migrate } from '../../server/stores/postgres-migrations.js'
import type { Store } from '../../server/stores/types.js'
import { closedPort, createTestDatabase, randomSchema, tcpProxy, type TestDatabase } from '../helpers/postgres.js'
import { runStoreContract } from '../helpers/store-contract.js'
import { fakeIntegrity, versionDoc } from '../helpers/template-docs.js'
import { waitFor } from '../helpers/wait.js'

let db: TestDatabase
const ready = (async () => {
  db = await createTestDatabase()
  return db
})()
// A rejected promise nobody awaited yet would be reported twice; every test awaits it through `open`.
ready.catch(() => {})

beforeAll(async () => {
  await ready
})
afterAll(async () => {
  await db?.drop()
})

/** A fresh schema per store: the contract wants an empty store for every test. */
async function openFresh(schema = randomSchema()) {
  const { url, admin } = await ready
  const store = await createPostgresStore({ url, schema, max: 4 })
  return { store, schema, cleanup: () => admin.unsafe(`drop schema if exists ${schema} cascade`).then(() => {}) }
}

runStoreContract('postgres', () => openFresh())

const entryOf = (raw: string) => ({ publishedAt: '2026-02-03T04:05:06.789Z', integrity: fakeIntegrity(raw) })

describe('postgres store', () => {
  const opened: Store[] = []
  const open = async (schema: string, extra: Partial<Parameters<typeof createPostgresStore>[0]> = {}) => {
    const store = await createPostgresStore({ url: db.url, schema, max: 4, ...extra })
    opened.push(store)
    return store
  }
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close().catch(() => {})))
  })

  it('runs its migrations once, even when started again', async () => {
    const schema = randomSchema()
    await open(schema)
    await open(schema)
    const rows = await db.admin.unsafe(`select version from ${schema}.schema_migrations order by version`)
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version))
  })

  it('applies only what is missing when a new migration appears', async () => {
    const schema = randomSchema()
    await open(schema)
    const extra = [...MIGRATIONS, { version: 999, name: 'test only', sql: 'create table extra_t (x int)' }]
    const sql = (await import('postgres')).default(db.url, {
      max: 1,
      connection: { search_path: schema },
      onnotice: () => {},
    })
    try {
      expect(await migrate(sql, schema, extra)).toEqual([999])
      expect(await migrate(sql, schema, extra)).toEqual([])
    } finally {
      await sql.end()
    }
  })

  it('backfills semver columns when upgrading a database made by migration 1', async () => {
    const schema = randomSchema()
    const sql = (await import('postgres')).default(db.url, {
      max: 1,
      connection: { search_path: schema },
      onnotice: () => {},
    })
    try {
      expect(await migrate(sql, schema, MIGRATIONS.slice(0, 1))).toEqual([1])
      await sql`insert into templates (id) values ('old')`
      await sql`insert into versions (id, version, raw, published_at, integrity) values ('old', '1.10.0-rc.1', '{}', 'x', 'y'), ('old', '1.9.0', '{}', 'x', 'y')`
      await sql`insert into dist_tags (id, tag, version) values ('old', 'latest', '1.9.0')`
      expect(await migrate(sql, schema)).toEqual(MIGRATIONS.slice(1).map((m) => m.version))
      const rows = await sql`select version, major, minor, patch, prerelease from versions order by version`
      expect(rows.map((r) => ({ ...r }))).toEqual([
        { version: '1.10.0-rc.1', major: '1', minor: '10', patch: '0', prerelease: true },
        { version: '1.9.0', major: '1', minor: '9', patch: '0', prerelease: false },
      ])
    } finally {
      await sql.end()
    }
    const store = await open(schema)
    const raw = versionDoc('old', '1.10.0')
    await store.publish('old', '1.10.0', raw, entryOf(raw))
    expect((await store.getEntry('old'))?.['dist-tags'].latest).toBe('1.10.0')
  })

  it('survives a publish whose backend is terminated mid-statement (no crash, 503-class error)', async () => {
    const schema = randomSchema()
    const store = await open(schema)
    const raw = versionDoc('held', '1.0.0')
    await store.publish('held', '1.0.0', raw, entryOf(raw))
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    let locked!: () => void
    const taken = new Promise<void>((r) => (locked = r))
    const holder = db.admin.begin(async (tx) => {
      await tx.unsafe(`select 1 from ${schema}.templates where id = 'held' for update`)
      locked()
      await held
    })
    try {
      await taken
      const raw2 = versionDoc('held', '2.0.0')
      const inFlight = store.publish('held', '2.0.0', raw2, entryOf(raw2)).catch((e: unknown) => e)
      await waitFor(() => false, 300).catch(() => {}) // let it reach the lock
      await db.admin`
        select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock' and application_name = 'claude-multi-registry'`
      expect(await inFlight).toMatchObject({ code: 'E_STORE_UNAVAILABLE' })
    } finally {
      release()
      await holder
    }
    await new Promise((r) => setTimeout(r, 200)) // a crash would come from a later tick
    const raw3 = versionDoc('held', '3.0.0')
    expect((await store.publish('held', '3.0.0', raw3, entryOf(raw3))).created).toBe(true)
    expect(Object.keys((await store.getEntry('held'))!.versions)).toEqual(['1.0.0', '3.0.0'])
  })

  it('survives several replicas starting at once on an empty database', async () => {
    const schema = randomSchema()
    const stores = await Promise.all(Array.from({ length: 6 }, () => open(schema, { max: 1 })))
    expect(stores).toHaveLength(6)
    const [row] = await db.admin.unsafe(`select count(*)::int as n from ${schema}.schema_migrations`)
    expect(row!.n).toBe(MIGRATIONS.length)
  })

  it('keeps CRLF, tabs and non-ASCII bytes exactly', async () => {
    const store = await open(randomSchema())
    const raw =
      '{\r\n\t"id": "crlf",\r\n\t"version": "1.0.0",\r\n\t"name": "Zürich 模型 🚀",\r\n\t"description": "a\\u0000b"\r\n}\r\n'
    expect((await store.publish('crlf', '1.0.0', raw, entryOf(raw))).created).toBe(true)
    expect(await store.getVersion('crlf', '1.0.0')).toBe(raw)
  })

  it('reaches a second replica through NOTIFY within a second, for every kind of change', async () => {
    const schema = randomSchema()
    const a = await open(schema)
    const b = await open(schema)
    const seen: number[] = []
    b.onChange(() => seen.push(Date.now()))
    const raw = versionDoc('glm', '1.0.0')
    const steps = [
      () => a.publish('glm', '1.0.0', raw, entryOf(raw)),
      () => a.deprecate('glm', '1.0.0', 'old'),
      () => a.setDistTag('glm', 'stable', '1.0.0'),
    ]
    for (const step of steps) {
      const before = seen.length
      const start = Date.now()
      await step()
      await waitFor(() => seen.length > before, 1000)
      expect(seen.at(-1)! - start).toBeLessThan(1000)
    }
    expect((await b.getEntry('glm'))?.versions['1.0.0']?.deprecated).toBe('old')
  })

  it('lets exactly one of 50 concurrent publishes over two replicas win', async () => {
    const schema = randomSchema()
    const replicas = [await open(schema), await open(schema)]
    const raws = Array.from({ length: 50 }, (_, i) => versionDoc('race', '2.0.0', { description: `writer ${i}` }))
    const results = await Promise.all(
      raws.map((raw, i) => replicas[i % 2]!.publish('race', '2.0.0', raw, entryOf(raw))),
    )
    const winners = results.flatMap((r, i) => (r.created ? [i] : []))
    expect(winners).toHaveLength(1)
    expect(await replicas[1]!.getVersion('race', '2.0.0')).toBe(raws[winners[0]!])
  })

  it('recovers after its backends are terminated, and calls onChange when the listener is back', async () => {
    const schema = randomSchema()
    const store = await open(schema)
    const other = await open(schema)
    let calls = 0
    store.onChange(() => calls++)
    const [{ n }] = (await db.admin`
      select count(*)::int as n from (
        select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and query ilike ${`listen%${schema}%`}) t`) as unknown as [
      { n: number },
    ]
    expect(n).toBeGreaterThan(0)
    await waitFor(() => calls > 0, 5000)
    // The listener is really back: a change from another replica arrives again.
    const before = calls
    const raw = versionDoc('after', '1.0.0')
    await other.publish('after', '1.0.0', raw, entryOf(raw))
    await waitFor(() => calls > before, 2000)
    // And the query pool reconnects after its own connections are killed.
    await db.admin`
      select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and application_name = 'claude-multi-registry'`
    await waitFor(() => calls > before + 1, 5000)
    expect(await store.ready()).toBe(true)
    expect(await store.getVersion('after', '1.0.0')).toBe(raw)
  }, 20_000)

  it('is not ready and fails fast with E_STORE_UNAVAILABLE while the database is gone, then recovers', async () => {
    const schema = randomSchema()
    const proxy = await tcpProxy()
    try {
      const store = await open(schema, { url: proxy.url(db.name), readyTimeoutMs: 1000 })
      let calls = 0
      store.onChange(() => calls++)
      expect(await store.ready()).toBe(true)
      await proxy.stop()
      const start = Date.now()
      expect(await store.ready()).toBe(false)
      const err = await store.getEntry('glm').catch((e: unknown) => e)
      expect(err).toBeInstanceOf(StoreUnavailableError)
      expect(err).toMatchObject({ code: 'E_STORE_UNAVAILABLE', status: 503 })
      expect(Date.now() - start).toBeLessThan(3000)
      await proxy.start()
      await waitFor(() => calls > 0, 5000)
      await expect(store.ready()).resolves.toBe(true)
      expect(await store.listIds()).toEqual([])
    } finally {
      await proxy.stop()
    }
  }, 20_000)

  it('fails calls within queryTimeoutMs while the network is silent, then carries on', async () => {
    const proxy = await tcpProxy()
    try {
      const store = await open(randomSchema(), { url: proxy.url(db.name), readyTimeoutMs: 500, queryTimeoutMs: 1000 })
      const raw = versionDoc('quiet', '1.0.0')
      await store.publish('quiet', '1.0.0', raw, entryOf(raw))
      proxy.freeze()
      const start = Date.now()
      expect(await store.ready()).toBe(false)
      await expect(store.getVersion('quiet', '1.0.0')).rejects.toMatchObject({ code: 'E_STORE_UNAVAILABLE' })
      expect(Date.now() - start).toBeLessThan(2500)
      proxy.thaw()
      await expect(store.ready()).resolves.toBe(true)
      expect(await store.getVersion('quiet', '1.0.0')).toBe(raw)
    } finally {
      await proxy.stop()
    }
  }, 20_000)

  it('refuses to start against a closed port, quickly and with a clear error', async () => {
    const port = await closedPort()
    const start = Date.now()
    const err = await createPostgresStore({ url: `postgres://postgres@127.0.0.1:${port}/x`, connectTimeout: 2 }).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(StoreUnavailableError)
    expect((err as Error).message).toMatch(/unavailable.*ECONNREFUSED/)
    expect(Date.now() - start).toBeLessThan(4000)
  })

  it('keeps token hashes, scopes and flags', async () => {
    const store = await open(randomSchema())
    const token = {
      id: 'tok_a',
      name: 'ci',
      hash: 'ab'.repeat(32),
      scopes: ['@acme/*', 'glm'],
      readOnly: false,
      createdAt: '2026-01-01T00:00:00.000Z',
    }
    await store.addToken(token)
    await expect(store.addToken({ ...token, name: 'again' })).rejects.toThrow(/duplicate key/)
    expect(await store.listTokens()).toEqual([token])
  })
})
