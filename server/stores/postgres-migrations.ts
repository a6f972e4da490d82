import type { Sql } from 'postgres'

export interface Migration {
  version: number
  name: string
  sql: string
}

/**
 * Append-only: a released migration is never edited, a change is a new entry. Each runs inside
 * the one transaction that holds the migration lock, so a failed step leaves nothing behind.
 * `published_at` and `created_at` are text so that the exact strings published come back out.
 */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'templates, versions, dist-tags, tokens',
    sql: `
      create table templates (
        id text primary key,
        created_at timestamptz not null default now()
      );
      create table versions (
        id text not null references templates (id) on delete cascade,
        version text not null,
        raw text not null,
        published_at text not null,
        integrity text not null,
        deprecated text,
        stored_at timestamptz not null default now(),
        constraint versions_pkey primary key (id, version)
      );
      create table dist_tags (
        id text not null,
        tag text not null,
        version text not null,
        position bigint generated always as identity,
        primary key (id, tag),
        foreign key (id, version) references versions (id, version) on delete cascade
      );
      create table tokens (
        id text primary key,
        name text not null,
        hash text not null,
        scopes text[] not null,
        read_only boolean not null default false,
        created_at text not null,
        position bigint generated always as identity
      );
      create index tokens_hash_idx on tokens (hash);
    `,
  },
]

/** Any fixed 64-bit number of our own, mixed with the schema so two schemas never wait on each other. */
const LOCK_NAMESPACE = 'claude-multi-registry:migrations:'

/**
 * Brings the schema up to date. Replicas that start together queue on one transaction-scoped
 * advisory lock (released by commit or by a dropped connection, never left behind); the first
 * applies what is missing, the others then find nothing to do.
 */
export async function migrate(sql: Sql, schema: string | undefined, migrations = MIGRATIONS): Promise<number[]> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtextextended(${LOCK_NAMESPACE + (schema ?? '')}, 0))`
    if (schema) await tx.unsafe(`create schema if not exists ${quoteIdent(schema)}`)
    await tx`
      create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        applied_at timestamptz not null default now()
      )`
    const rows = await tx<{ version: number }[]>`select version from schema_migrations`
    const applied = new Set(rows.map((r) => r.version))
    const done: number[] = []
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue
      await tx.unsafe(m.sql)
      await tx`insert into schema_migrations (version, name) values (${m.version}, ${m.name})`
      done.push(m.version)
    }
    return done
  })
}

export const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}
