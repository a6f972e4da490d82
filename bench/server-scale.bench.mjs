/**
 * A generated registry of 10,000 ids × 20 versions in the fs store layout: time for our server to
 * build the index (the first GET), p99 latency of index and version GETs under load, and the
 * server's memory. Baselines from the same run: a plain read of the same files for the build, a
 * bare Hono app holding the same bytes in memory for latency and memory.
 */
import { existsSync } from 'node:fs'
import http from 'node:http'
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CONNECTIONS, ROOT, SECONDS, compareLoad, memoryOf, ratio, serveArgs, startBare, startNode } from './_procs.mjs'

const IDS = Number(process.env.BENCH_SCALE_IDS ?? 10_000)
const VERSIONS = Number(process.env.BENCH_SCALE_VERSIONS ?? 20)
const SAMPLE = 200

export default async function serverScaleBench() {
  const data = join(tmpdir(), `claude-multi-bench-scale-${IDS}x${VERSIONS}`)
  const generated = await generate(data)
  const ours = await startNode(serveArgs(data))
  let bare
  try {
    const rows = []
    const label = `${IDS.toLocaleString('en-US')} ids × ${VERSIONS} versions`
    const common = { detail: `${label}; ${CONNECTIONS} connections, ${SECONDS} s` }

    let t = performance.now()
    const first = await fetch(`${ours.url}/v1/index.json`)
    const index = Buffer.from(await first.arrayBuffer())
    const buildMs = performance.now() - t
    if (!first.ok) throw new Error(`first GET /v1/index.json: ${first.status}`)
    const etag = first.headers.get('etag')
    t = performance.now()
    await plainRead(data)
    const plainMs = performance.now() - t
    rows.push({
      name: `scale: index build, first GET (${label})`,
      ours: buildMs,
      baseline: plainMs,
      baselineName: 'plain fs read + JSON',
      unit: 'ms',
      ratio: ratio(buildMs, plainMs),
      ...common,
    })

    const built = memoryOf(ours.pid)
    rows.push({
      name: 'scale: server RSS after the index build',
      ours: built.rss,
      unit: 'MB',
      goal: '< 300 MB',
      ...common,
    })

    t = performance.now()
    const page = await fetchOk(`${ours.url}/`)
    const pageMs = performance.now() - t
    rows.push({
      name: `scale: GET / catalogue page, first render (${(page.length / 1024).toFixed(0)} KB)`,
      ours: pageMs,
      unit: 'ms',
      ...common,
      detail: `${label}; reads every latest version once`,
    })

    rows.push({ name: 'scale: server RSS after rendering /', ours: memoryOf(ours.pid).rss, unit: 'MB', ...common })

    const paths = samplePaths()
    const docs = Object.fromEntries(await Promise.all(paths.map(async (p) => [p, await fetchOk(`${ours.url}${p}`)])))
    const gz = await rawGet(`${ours.url}/v1/index.json`, { 'accept-encoding': 'gzip' })
    const gzipped = gz.headers['content-encoding'] === 'gzip'
    bare = await startBare({
      '/v1/index.json': index,
      ...docs,
      ...(gzipped ? { '/gz/v1/index.json': { body: gz.body, headers: { 'content-encoding': 'gzip' } } } : {}),
    })
    const bareEtag = (await fetch(`${bare.url}/v1/index.json`, { method: 'GET' })).headers.get('etag')
    const baselineName = 'bare Hono, same bytes'

    const mb = (index.length / 1024 / 1024).toFixed(1)
    const [a, b] = await compareLoad(`${ours.url}/v1/index.json`, `${bare.url}/v1/index.json`)
    rows.push({
      name: `scale: GET /v1/index.json p99 (${mb} MB)`,
      ...cut(a),
      ours: a.p99,
      baseline: b.p99,
      baselineName,
      unit: 'ms',
      ratio: ratio(a.p99, b.p99),
      goal: '< 50 ms',
      ...common,
    })
    rows.push({
      name: `scale: GET /v1/index.json req/s (${mb} MB)`,
      ours: a.rps,
      baseline: b.rps,
      baselineName,
      unit: 'req/s',
      ratio: ratio(a.rps, b.rps),
      ...common,
    })

    if (gzipped) {
      const [g, h] = await compareLoad(`${ours.url}/v1/index.json`, `${bare.url}/gz/v1/index.json`, {
        headers: { 'accept-encoding': 'gzip' },
      })
      const gzmb = (gz.body.length / 1024 / 1024).toFixed(1)
      rows.push({
        name: `scale: GET /v1/index.json gzip p99 (${gzmb} MB)`,
        ...cut(g),
        ours: g.p99,
        baseline: h.p99,
        baselineName,
        unit: 'ms',
        ratio: ratio(g.p99, h.p99),
        goal: '< 50 ms',
        ...common,
      })
      rows.push({
        name: `scale: GET /v1/index.json gzip req/s (${gzmb} MB)`,
        ours: g.rps,
        baseline: h.rps,
        baselineName,
        unit: 'req/s',
        ratio: ratio(g.rps, h.rps),
        ...common,
      })
    }

    if (etag) {
      const [c304, b304] = await compareLoad(`${ours.url}/v1/index.json`, `${bare.url}/v1/index.json`, {
        headers: { 'if-none-match': etag },
        baselineHeaders: { 'if-none-match': bareEtag },
        status: 304,
      })
      rows.push({
        name: 'scale: GET /v1/index.json revalidation (304) p99',
        ours: c304.p99,
        baseline: b304.p99,
        baselineName,
        unit: 'ms',
        ratio: ratio(c304.p99, b304.p99),
        goal: '< 50 ms',
        ...common,
      })
    }

    const [va, vb] = await compareLoad(ours.url, bare.url, { paths })
    rows.push({
      name: `scale: GET version documents p99 (${SAMPLE} random)`,
      ours: va.p99,
      baseline: vb.p99,
      baselineName,
      unit: 'ms',
      ratio: ratio(va.p99, vb.p99),
      goal: '< 50 ms',
      ...common,
    })
    rows.push({
      name: `scale: GET version documents req/s (${SAMPLE} random)`,
      ours: va.rps,
      baseline: vb.rps,
      baselineName,
      unit: 'req/s',
      ratio: ratio(va.rps, vb.rps),
      ...common,
    })

    const mo = memoryOf(ours.pid)
    const mbare = memoryOf(bare.pid)
    rows.push({
      name: 'scale: server RSS, peak after the load',
      ours: mo.peak,
      baseline: mbare.peak,
      baselineName,
      unit: 'MB',
      ratio: ratio(mo.peak, mbare.peak),
      goal: '< 300 MB',
      ...common,
    })
    rows.push({
      name: 'scale: server RSS, now',
      ours: mo.rss,
      baseline: mbare.rss,
      baselineName,
      unit: 'MB',
      ratio: ratio(mo.rss, mbare.rss),
      ...common,
    })
    if (generated)
      rows.push({
        name: `scale: generating the registry (${label})`,
        ours: generated,
        unit: 'ms',
        detail: 'setup, not a goal',
      })
    return rows
  } finally {
    await Promise.all([ours.stop(), bare?.stop()])
  }
}

/** A round in which no response finished reports the round's length: a lower bound, marked as such. */
const cut = (result) => (result.atLeast ? { note: 'some round finished no response; p99 is at least this' } : {})

const idOf = (i) => `p${String(i).padStart(5, '0')}`
const versionOf = (j) => `1.${j}.0`

/** Deterministic, so results are comparable between runs; different ids and versions on every run of the sample. */
function samplePaths() {
  let seed = 42
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  return Array.from(
    { length: SAMPLE },
    () => `/v1/templates/${idOf(Math.floor(next() * IDS))}/${versionOf(Math.floor(next() * VERSIONS))}.json`,
  )
}

function doc(i, j) {
  const id = idOf(i)
  const big = `model-${i}-v${j}`
  return {
    id,
    version: versionOf(j),
    name: `Provider ${i}`,
    description: `Generated provider ${i} for the scale benchmark, with a description about as long as real ones.`,
    homepage: `https://provider-${i}.example.com`,
    baseUrl: `https://api.provider-${i}.example.com/anthropic`,
    auth: 'ANTHROPIC_AUTH_TOKEN',
    models: { default: big, fast: `${big}-air`, sonnet: big, opus: `${big}-max`, haiku: `${big}-air` },
    env: { API_TIMEOUT_MS: '600000', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
    inputs: [],
    changelog: `Version ${j}: ${big} for default, sonnet and opus.`,
  }
}

/**
 * Writes the registry once and keeps it in the temp dir (a marker file says it is complete), so
 * repeated runs measure the server rather than the generator. BENCH_FRESH=1 rewrites it.
 */
async function generate(dir) {
  const marker = join(dir, '.complete')
  if (existsSync(marker) && !process.env.BENCH_FRESH) return 0
  const started = performance.now()
  await rm(dir, { recursive: true, force: true })
  const digestModule = join(ROOT, 'dist', 'shared', 'digest.js')
  if (!existsSync(digestModule)) throw new Error('dist/shared/digest.js is missing: run `npm run build` first')
  const { integrityOfText } = await import(pathToFileURL(digestModule).href)
  const writeId = async (i) => {
    const idDir = join(dir, 'templates', idOf(i))
    await mkdir(idDir, { recursive: true })
    const meta = { 'dist-tags': { latest: versionOf(VERSIONS - 1) }, versions: {} }
    for (let j = 0; j < VERSIONS; j++) {
      const text = `${JSON.stringify(doc(i, j), null, 2)}\n`
      await writeFile(join(idDir, `${versionOf(j)}.json`), text)
      meta.versions[versionOf(j)] = {
        publishedAt: new Date(Date.UTC(2025, 0, 1 + j * 7)).toISOString(),
        integrity: integrityOfText(text),
      }
    }
    await writeFile(join(idDir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`)
  }
  let next = 0
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < IDS) await writeId(next++)
    }),
  )
  await writeFile(marker, '')
  return performance.now() - started
}

/** The least work any fs-backed index needs: list, read each meta and latest document, serialize. */
async function plainRead(dir) {
  const root = join(dir, 'templates')
  const ids = (await readdir(root)).sort()
  const templates = {}
  await Promise.all(
    ids.map(async (id) => {
      const files = await readdir(join(root, id))
      const meta = JSON.parse(await readFile(join(root, id, 'meta.json'), 'utf8'))
      const latest = JSON.parse(await readFile(join(root, id, `${meta['dist-tags'].latest}.json`), 'utf8'))
      templates[id] = {
        id,
        name: latest.name,
        description: latest.description,
        'dist-tags': meta['dist-tags'],
        versions: meta.versions,
        files: files.length,
      }
    }),
  )
  return JSON.stringify({ formatVersion: 1, templates })
}

/** A GET without fetch's automatic decompression, to see the bytes as sent. */
function rawGet(url, headers) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }))
      })
      .on('error', reject)
  })
}

async function fetchOk(url) {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`)
  return Buffer.from(await res.arrayBuffer())
}
