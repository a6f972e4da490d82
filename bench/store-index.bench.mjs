/**
 * GET /v1/index.json throughput of a replica on the PostgreSQL store against one on the filesystem
 * store, both serving the bundled catalogue, measured in the same run (10 connections, ~5 s each).
 * Each replica keeps the rendered index in memory until a change is announced, so the ratio should
 * be close to 1: the database is not on the read path of a warm replica.
 * Needs PostgreSQL (PG_BENCH_URL, default postgres://postgres@127.0.0.1:5432/test).
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import autocannon from 'autocannon'
import postgres from 'postgres'
import { startNode } from './_procs.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const cli = join(root, 'dist/server/cli.js')
const adminUrl = process.env.PG_BENCH_URL ?? process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const DURATION = Number(process.env.BENCH_SECONDS ?? 5)

// --quiet: a request log line per request would measure the log pipe, not the store.
const serve = (args) =>
  startNode([cli, 'serve', '--port', '0', '--host', '127.0.0.1', '--quiet', ...args], { timeoutMs: 30_000 })

async function requestsPerSecond(url, seconds) {
  const target = `${url}/v1/index.json`
  const result = await autocannon({ url: target, connections: 10, duration: seconds })
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${target}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return result.requests.total / seconds
}

/** Alternates the two servers in short rounds so that load from elsewhere on the machine hits both alike. */
async function compare(a, b) {
  for (const url of [a, b]) await requestsPerSecond(url, 1) // warm-up: JIT, caches, keep-alive sockets
  const rounds = 2
  const totals = [0, 0]
  for (let i = 0; i < rounds; i++) {
    totals[0] += await requestsPerSecond(a, DURATION / rounds)
    totals[1] += await requestsPerSecond(b, DURATION / rounds)
  }
  return totals.map((t) => t / rounds)
}

export default async function bench() {
  const dbName = `cmr_bench_${randomBytes(5).toString('hex')}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  const dataDir = await mkdtemp(join(tmpdir(), 'cmr-bench-'))
  const servers = []
  try {
    await admin.unsafe(`create database ${dbName}`)
    const u = new URL(adminUrl)
    u.pathname = `/${dbName}`
    const dbUrl = u.toString()
    await promisify(execFile)(process.execPath, [cli, 'import', '--from', join(root, 'registry'), '--store', dbUrl])
    await cp(join(root, 'registry'), dataDir, { recursive: true })
    const pg = await serve(['--store', dbUrl])
    servers.push(pg)
    const fs = await serve(['--store', dataDir])
    servers.push(fs)
    const [pgIndex, fsIndex] = await Promise.all(
      [fetch(`${pg.url}/v1/index.json`), fetch(`${fs.url}/v1/index.json`)].map(async (r) => (await r).text()),
    )
    if (pgIndex !== fsIndex) throw new Error('the two stores serve different index bytes for the same catalogue')
    const [ours, baseline] = await compare(pg.url, fs.url)
    return [
      {
        name: 'GET /v1/index.json req/s, pg store vs fs store',
        ours: Math.round(ours),
        baseline: Math.round(baseline),
        baselineName: 'fs store',
        ratio: Number((ours / baseline).toFixed(3)),
        // A warm replica answers from its in-memory index on either store.
        goal: '>= 0.8',
      },
    ]
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
    await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => {})
    await admin.end({ timeout: 1 })
    await rm(dataDir, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await bench(), null, 2))
}
