/**
 * Issue 16: the client's cost does not grow with the catalogue. `claude-multi sync --check` of the
 * same 3 instances against two signing registries in the same run, one of 10 ids and one of 10,000
 * ids (× 20 versions each), key pinned: bytes received (counted by a TCP proxy in front of each
 * server) and wall time, cold (empty cache: per-id documents and version documents fetched) and
 * warm (every per-id document answered 304). `info <id>` and `doctor` (which read the per-id
 * documents of the template they show and of the templates in use) are measured the same way. The
 * ratio is 10,000 ids ÷ 10 ids; goal ≤ 1.2. The full index the client downloaded before (and still
 * downloads from an older server) is shown for scale.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { clientEnv, ROOT, serverCli, startNode } from './_procs.mjs'
import { generate as generateInto, VERSIONS } from './_scale-data.mjs'

const CLI = join(ROOT, 'dist/client/cli.js')
const RUNS = Number(process.env.BENCH_RUNS ?? 10)
const INSTANCES = ['p00001', 'p00002', 'p00003']

/** A registry of `ids` ids in the fs store layout, kept between runs (a marker says it is complete). */
async function generate(ids) {
  const dir = join(tmpdir(), `claude-multi-bench-sync-scale-${ids}x${VERSIONS}`)
  await generateInto(dir, ids)
  return dir
}

/** A TCP proxy in front of `target` that counts the bytes the client receives. */
async function countingProxy(target) {
  const { port: targetPort } = new URL(target)
  let received = 0
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(targetPort), '127.0.0.1')
    upstream.on('data', (b) => (received += b.length))
    client.pipe(upstream)
    upstream.pipe(client)
    const close = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', close)
    upstream.on('error', close)
    client.on('close', close)
    upstream.on('close', close)
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    take: () => {
      const n = received
      received = 0
      return n
    },
    close: () => new Promise((r) => server.close(r)),
  }
}

/** The client, asynchronously: the proxy lives in this process and must keep forwarding. */
function cm(env, args) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint()
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (b) => (stderr += b))
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6
      if (code !== 0 && code !== 100) reject(new Error(`claude-multi ${args.join(' ')} exited ${code}: ${stderr}`))
      else resolve(ms)
    })
  })
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

export default async function syncScaleBench() {
  const keyDir = mkdtempSync(join(tmpdir(), 'bench-sync-scale-key-'))
  if (spawnSync(process.execPath, [serverCli(), 'keygen', '--out', keyDir]).status !== 0)
    throw new Error('keygen failed')
  const publicKey = JSON.parse(readFileSync(join(keyDir, 'public-key.json'), 'utf8')).keys[0].publicKey
  const sides = []
  try {
    for (const ids of [10, 10_000]) {
      const data = await generate(ids)
      const server = await startNode([
        serverCli(),
        'serve',
        '--port',
        '0',
        '--data',
        data,
        '--quiet',
        '--sign-key',
        join(keyDir, 'signing-key.pem'),
      ])
      const proxy = await countingProxy(server.url)
      const dir = mkdtempSync(join(tmpdir(), `bench-sync-scale-${ids}-`))
      // BENCH_KEY is set so that doctor finds every instance's key and exits 0.
      const env = clientEnv(dir, proxy.url, { CLAUDE_MULTI_REGISTRY_KEY: publicKey, BENCH_KEY: 'bench' })
      sides.push({ ids, server, proxy, dir, env })
      for (const id of INSTANCES) await cm(env, ['add', id, id, '--api-key-env', 'BENCH_KEY'])
      const index = await fetch(`${server.url}/v1/index.json`)
      sides.at(-1).indexBytes = (await index.arrayBuffer()).byteLength
      await cm(env, ['sync', '--check'])
      proxy.take()
    }
    // Interleaved, so machine noise hits both registries alike.
    const results = new Map(sides.map((s) => [s.ids, {}]))
    const add = (r, key, value) => {
      r[key] ??= []
      r[key].push(value)
    }
    /** One command on one side: wall time under `key`, bytes received under `<key>Bytes`; `cold` empties the cache first. */
    const measure = async (s, key, args, cold) => {
      const r = results.get(s.ids)
      if (cold) rmSync(join(s.env.CLAUDE_MULTI_HOME, 'cache'), { recursive: true, force: true })
      add(r, key, await cm(s.env, args))
      add(r, `${key}Bytes`, s.proxy.take())
    }
    for (let i = 0; i < RUNS; i++) {
      for (const s of sides) {
        await measure(s, 'cold', ['sync', '--check'], true)
        await measure(s, 'warm', ['sync', '--check'], false)
        await measure(s, 'infoWarm', ['info', INSTANCES[0]], false)
        await measure(s, 'doctorWarm', ['doctor'], false)
        await measure(s, 'infoCold', ['info', INSTANCES[0]], true)
        await measure(s, 'doctorCold', ['doctor'], true)
      }
    }
    const small = results.get(10)
    const large = results.get(10_000)
    const detail = `3 instances (info: 1 id), key pinned, 20 versions per id; median of ${RUNS} interleaved runs`
    const row = (name, key, unit) => {
      const ours = median(large[key])
      const baseline = median(small[key])
      return { name, ours, baseline, baselineName: '10 ids', unit, ratio: ours / baseline, goal: '<= 1.2', detail }
    }
    const full = sides.find((s) => s.ids === 10_000).indexBytes
    return [
      row('sync --check cold, bytes received, 10,000 vs 10 ids', 'coldBytes', 'B'),
      row('sync --check cold, wall time, 10,000 vs 10 ids', 'cold', 'ms'),
      row('sync --check warm (304s), bytes received, 10,000 vs 10 ids', 'warmBytes', 'B'),
      row('sync --check warm (304s), wall time, 10,000 vs 10 ids', 'warm', 'ms'),
      row('info <id> cold, bytes received, 10,000 vs 10 ids', 'infoColdBytes', 'B'),
      row('info <id> cold, wall time, 10,000 vs 10 ids', 'infoCold', 'ms'),
      row('info <id> warm (304), bytes received, 10,000 vs 10 ids', 'infoWarmBytes', 'B'),
      row('info <id> warm (304), wall time, 10,000 vs 10 ids', 'infoWarm', 'ms'),
      row('doctor cold, bytes received, 10,000 vs 10 ids', 'doctorColdBytes', 'B'),
      row('doctor cold, wall time, 10,000 vs 10 ids', 'doctorCold', 'ms'),
      row('doctor warm (304s), bytes received, 10,000 vs 10 ids', 'doctorWarmBytes', 'B'),
      row('doctor warm (304s), wall time, 10,000 vs 10 ids', 'doctorWarm', 'ms'),
      {
        name: 'the full index an older client (or server) needs instead, 10,000 ids',
        ours: full,
        baseline: median(large.coldBytes),
        baselineName: 'cold sync --check now',
        unit: 'B',
        ratio: full / median(large.coldBytes),
        detail: 'what `sync --check` downloaded before issue 16 on every change to the catalogue',
      },
    ]
  } finally {
    for (const s of sides) {
      await s.proxy.close()
      await s.server.stop()
      rmSync(s.dir, { recursive: true, force: true })
    }
    rmSync(keyDir, { recursive: true, force: true })
  }
}
