import postgres from 'postgres'
import semver from 'semver'
import { isValidId, isValidVersion } from '../../shared/ids.js'
import type { TemplateEntry, VersionEntry } from '../../shared/types.js'
import { latestStable } from '../../shared/versions.js'
import { entryFromMeta } from '../../shared/catalogue-tree.js'
import { StoreUnavailableError, toStoreError } from './postgres-errors.js'
import { SCHEMA_RE, migrate } from './postgres-migrations.js'
import type { PackageMeta, PublishResult, Store, TokenRecord } from './types.js'

export { StoreUnavailableError } from './postgres-errors.js'

export interface PostgresStoreOptions {
  /** `postgres://user:pass@host:5432/db` */
  url: string
  /** Keep the tables in this schema (created if missing) instead of the search_path default. */
  schema?: string
  /** Pool size per process. */
  max?: number
  /** Seconds before a connection attempt gives up, so requests fail fast instead of hanging. */
  connectTimeout?: number
  /** Milliseconds `ready()` waits for `select 1`. */
  readyTimeoutMs?: number
  /**
   * Milliseconds any call may take before it fails with StoreUnavailableError. A database behind
   * a dead network path (no reset, just silence) would otherwise hold requests until TCP gives up.
   */
  queryTimeoutMs?: number
}

/** Every replica listens here; the payload is the id that changed. */
export const CHANNEL = 'claude_multi_registry'

/**
 * The PostgreSQL store, for several server replicas sharing one database. A version is a row
 * under a unique (id, version) key inserted in the same transaction as its dist-tag change and
 * the NOTIFY, so a duplicate publish is refused by the constraint, and every replica hears about
 * a change only once it is committed. Every write is a single statement (no client-side
 * BEGIN/COMMIT; see migration 2 for why), atomic by itself.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const { url, schema } = options
  if (!/^postgres(ql)?:\/\//.test(url ?? '')) throw new Error('postgres store: url must start with postgres://')
  if (schema !== undefined && !SCHEMA_RE.test(schema)) {
    throw new Error(`postgres store: schema ${JSON.stringify(schema)} must match ${SCHEMA_RE}`)
  }
  const channel = schema ? `${CHANNEL}_${schema}`.slice(0, 63) : CHANNEL
  const sql = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeout ?? 5,
    // Idle connections are closed so a restarted database does not leave dead sockets in the pool.
    idle_timeout: 30,
    // The default backoff grows to 20 s; a replica should be back within a second of the database.
    backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, 1),
    onnotice: () => {},
    connection: {
      application_name: 'claude-multi-registry',
      // A statement stuck behind a dead or overloaded server ends as a 503, never a hung request.
      statement_timeout: 15_000,
      ...(schema ? { search_path: schema } : {}),
    },
  })
  const listeners = new Set<() => void>()
  const emit = () => {
    for (const listener of [...listeners]) {
      try {
        listener()
      } catch {
        // One listener's failure must not stop the others.
      }
    }
  }

  try {
    await migrate(sql, schema)
    let listening = false
    // `onlisten` runs on every (re)connect of the listening connection: notifications sent while
    // it was down are lost, so a reconnect counts as a change (caches must be dropped).
    await sql.listen(channel, emit, () => {
      if (listening) emit()
      listening = true
    })
  } catch (err) {
    await sql.end({ timeout: 0 }).catch(() => {})
    throw toStoreError(err)
  }

  /** Maps connection failures of every call to StoreUnavailableError, and bounds how long it waits. */
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await withTimeout(fn(...args), options.queryTimeoutMs ?? 10_000, 'no answer from the database')
      } catch (err) {
        throw toStoreError(err)
      }
    }

  async function readEntry(id: string): Promise<TemplateEntry | null> {
    // One round trip: versions, tags in the order they were first set, and the latest document.
    const [row] = await sql<
      { versions: [string, string, string, string | null][]; tags: [string, string][]; latest_raw: string | null }[]
    >`
      select
        (select coalesce(json_agg(json_build_array(version, published_at, integrity, deprecated)), '[]'::json)
           from versions where id = ${id}) as versions,
        (select coalesce(json_agg(json_build_array(tag, version) order by position), '[]'::json)
           from dist_tags where id = ${id}) as tags,
        (select v.raw from versions v join dist_tags t on t.id = v.id and t.version = v.version
           where t.id = ${id} and t.tag = 'latest') as latest_raw`
    if (!row || row.versions.length === 0) return null
    const meta: PackageMeta = { 'dist-tags': {}, versions: {} }
    for (const [version, publishedAt, integrity, deprecated] of row.versions) {
      meta.versions[version] = { publishedAt, integrity, ...(deprecated ? { deprecated } : {}) }
    }
    for (const [tag, version] of row.tags) meta['dist-tags'][tag] = version
    let latestRaw = row.latest_raw
    if (!meta['dist-tags'].latest) {
      const latest = latestStable(Object.keys(meta.versions))!
      meta['dist-tags'].latest = latest
      latestRaw =
        (await sql<{ raw: string }[]>`select raw from versions where id = ${id} and version = ${latest}`)[0]?.raw ??
        null
    }
    return entryFromMeta(id, latestRaw, meta)
  }

  async function publish(id: string, version: string, raw: string, entry: VersionEntry): Promise<PublishResult> {
    if (!isValidId(id)) throw new Error(`postgres store: refusing id ${JSON.stringify(id)}`)
    const v = isValidVersion(version) ? semver.parse(version) : null
    if (!v) throw new Error(`postgres store: refusing version ${JSON.stringify(version)}`)
    try {
      await sql`
        select cmr_publish(${id}, ${version}, ${raw}, ${entry.publishedAt}, ${entry.integrity}, ${entry.deprecated || null},
          ${v.major}, ${v.minor}, ${v.patch}, ${v.prerelease.length > 0}, ${channel})`
    } catch (err) {
      // The unique key decides: whoever commits first wins, everyone else lands here.
      if ((err as { code?: string }).code === '23505') return { created: false }
      throw err
    }
    emit()
    return { created: true, entry: (await readEntry(id))! }
  }

  /**
   * Runs one data-modifying statement whose rows are the ids it changed, with the NOTIFY in the
   * same statement (sent on commit, not at all when nothing matched).
   */
  async function change(rows: Promise<readonly unknown[]>): Promise<boolean> {
    const changed = (await rows).length > 0
    if (changed) emit()
    return changed
  }

  return {
    kind: 'postgres',

    listIds: guard(async () => {
      const rows = await sql<
        { id: string }[]
      >`select id from templates where exists (select 1 from versions v where v.id = templates.id)`
      // Sorted in JS, not by the database collation, so the order matches the fs store's.
      return rows.map((r) => r.id).sort()
    }),

    getEntry: guard(async (id: string) => (isValidId(id) ? readEntry(id) : null)),

    getVersion: guard(async (id: string, version: string) => {
      if (!isValidId(id) || !isValidVersion(version)) return null
      const [row] = await sql<{ raw: string }[]>`select raw from versions where id = ${id} and version = ${version}`
      return row?.raw ?? null
    }),

    publish: guard(publish),

    deprecate: guard(async (id: string, version: string, message: string) => {
      if (!isValidId(id) || !isValidVersion(version)) return false
      return change(sql`
        with changed as (
          update versions set deprecated = ${message || null} where id = ${id} and version = ${version} returning id)
        select pg_notify(${channel}, id) from changed`)
    }),

    setDistTag: guard(async (id: string, tag: string, version: string) => {
      if (!isValidId(id) || !isValidVersion(version) || !tag) return false
      return change(sql`
        with changed as (
          insert into dist_tags (id, tag, version)
          select id, ${tag}, version from versions where id = ${id} and version = ${version}
          on conflict (id, tag) do update set version = excluded.version
          returning id)
        select pg_notify(${channel}, id) from changed`)
    }),

    listTokens: guard(async () => {
      const rows = await sql<
        { id: string; name: string; hash: string; scopes: string[]; read_only: boolean; created_at: string }[]
      >`
        select id, name, hash, scopes, read_only, created_at from tokens order by position`
      return rows.map(
        (r): TokenRecord => ({
          id: r.id,
          name: r.name,
          hash: r.hash,
          scopes: r.scopes,
          readOnly: r.read_only,
          createdAt: r.created_at,
        }),
      )
    }),

    // Token scopes decide which scopes are private in a mirrored index, so replicas hear of them too.
    addToken: guard(async (token: TokenRecord) => {
      await change(sql`
        with added as (
          insert into tokens (id, name, hash, scopes, read_only, created_at)
          values (${token.id}, ${token.name}, ${token.hash}, ${sql.array(token.scopes)}, ${token.readOnly}, ${token.createdAt})
          returning id)
        select pg_notify(${channel}, '') from added`)
    }),

    revokeToken: guard((id: string) =>
      change(sql`
        with removed as (delete from tokens where id = ${id} returning id)
        select pg_notify(${channel}, '') from removed`),
    ),

    onChange(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },

    async ready() {
      try {
        await withTimeout(sql`select 1`.execute(), options.readyTimeoutMs ?? 2000, 'no answer to select 1')
        return true
      } catch {
        return false
      }
    },

    async close() {
      listeners.clear()
      await sql.end({ timeout: 1 })
    },
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(`${what} within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}
