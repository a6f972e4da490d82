import type { Sql } from 'postgres'

export interface Migration {
  version: number
  name: string
  sql: string
}

/**
 * Append-only: a released migration is never edited, a change is a new entry. All of them run in
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
  {
    version: 2,
    name: 'publish as one statement (cmr_publish)',
    // Publishing is one statement calling this function rather than a client-side BEGIN/COMMIT:
    // if the backend is killed mid-transaction the driver (postgres 3.4.9) can crash the process
    // writing the ROLLBACK to a closed socket (porsager/postgres#1208). One statement is atomic on
    // its own. Inside the function each statement takes a fresh snapshot (READ COMMITTED), so
    // after the row lock the current `latest` is the committed one. The rule is _meta.nextLatest's:
    // the first version takes `latest`; later only a stable version above it moves it.
    sql: `
      alter table versions
        add column major bigint, add column minor bigint, add column patch bigint, add column prerelease boolean;
      update versions set
        major = (regexp_match(version, '^(\\d+)\\.(\\d+)\\.(\\d+)'))[1]::bigint,
        minor = (regexp_match(version, '^(\\d+)\\.(\\d+)\\.(\\d+)'))[2]::bigint,
        patch = (regexp_match(version, '^(\\d+)\\.(\\d+)\\.(\\d+)'))[3]::bigint,
        prerelease = version ~ '^\\d+\\.\\d+\\.\\d+-';
      alter table versions
        alter column major set not null, alter column minor set not null,
        alter column patch set not null, alter column prerelease set not null;
      create function cmr_publish(
        p_id text, p_version text, p_raw text, p_published_at text, p_integrity text, p_deprecated text,
        p_major bigint, p_minor bigint, p_patch bigint, p_prerelease boolean, p_channel text
      ) returns void language plpgsql set search_path from current as $$
      declare
        cur record;
      begin
        insert into templates (id) values (p_id) on conflict do nothing;
        perform 1 from templates where id = p_id for update;
        -- A duplicate raises unique_violation (23505) here: the constraint decides, not a pre-check.
        insert into versions (id, version, raw, published_at, integrity, deprecated, major, minor, patch, prerelease)
        values (p_id, p_version, p_raw, p_published_at, p_integrity, p_deprecated, p_major, p_minor, p_patch, p_prerelease);
        select v.major, v.minor, v.patch, v.prerelease into cur
          from dist_tags d join versions v on v.id = d.id and v.version = d.version
          where d.id = p_id and d.tag = 'latest';
        if not found then
          insert into dist_tags (id, tag, version) values (p_id, 'latest', p_version)
          on conflict (id, tag) do update set version = excluded.version;
        elsif not p_prerelease and (
          row(p_major, p_minor, p_patch) > row(cur.major, cur.minor, cur.patch)
          or (row(p_major, p_minor, p_patch) = row(cur.major, cur.minor, cur.patch) and cur.prerelease)
        ) then
          update dist_tags set version = p_version where id = p_id and tag = 'latest';
        end if;
        perform pg_notify(p_channel, p_id);
      end
      $$;
    `,
  },
]

/** Mixed with the schema so that two schemas in one database never wait on each other. */
const LOCK_NAMESPACE = 'claude-multi-registry:migrations:'

/**
 * Brings the schema up to date and returns the versions it applied. Everything is one
 * multi-statement query, which PostgreSQL runs as one implicit transaction: replicas that start
 * together queue on the transaction-scoped advisory lock (released by commit or by a dropped
 * connection, never left behind); the first applies what is missing, the others find it done.
 */
export async function migrate(sql: Sql, schema: string | undefined, migrations = MIGRATIONS): Promise<number[]> {
  const steps = [...migrations]
    .sort((a, b) => a.version - b.version)
    .map((m) => {
      if (!Number.isInteger(m.version) || m.sql.includes('$cmr_sql$'))
        throw new Error(`migration ${m.version} cannot be quoted`)
      return `do $cmr_do$ begin
      if not exists (select 1 from schema_migrations where version = ${m.version}) then
        execute $cmr_sql$${m.sql}$cmr_sql$;
        insert into schema_migrations (version, name) values (${m.version}, ${literal(m.name)});
        perform set_config('cmr.applied', current_setting('cmr.applied', true) || '${m.version},', true);
      end if;
    end $cmr_do$`
    })
  const script = [
    `select pg_advisory_xact_lock(hashtextextended(${literal(LOCK_NAMESPACE + (schema ?? ''))}, 0))`,
    ...(schema ? [`create schema if not exists ${quoteIdent(schema)}`] : []),
    `create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`,
    `select set_config('cmr.applied', '', true)`,
    ...steps,
    `select current_setting('cmr.applied', true) as applied`,
  ].join(';\n')
  const results = (await sql.unsafe(script)) as unknown as { applied: string }[][]
  const applied = results.at(-1)?.[0]?.applied ?? ''
  return applied.split(',').filter(Boolean).map(Number)
}

export const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`
