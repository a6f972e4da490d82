import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CONNECTIONS,
  SECONDS,
  compareLoad,
  logLines,
  memoryOf,
  ratio,
  serveArgs,
  startBare,
  startNode,
} from './_procs.mjs'

import { fetchOk, generate, IDS, plainRead, rawGet, SAMPLE, samplePaths, VERSIONS } from './_scale-data.mjs'

export default async function serverScaleBench() {
  const data = join(tmpdir(), `claude-multi-bench-scale-${IDS}x${VERSIONS}`)
  const generated = await generate(data)
  // Both sides of the build ratio read a warm page cache: the server's build would otherwise pay for
  // the first read of every file and the plain read, run after it, for none.
  await plainRead(data)
  const logFile = join(tmpdir(), `bench-request-log-${process.pid}.ndjson`)
  const ours = await startNode(serveArgs(data), { stderrFile: logFile })
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
    rows.push(await logLines(logFile))
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
    await rm(logFile, { force: true })
  }
}

/** A round in which no response finished reports the round's length: a lower bound, marked as such. */
const cut = (result) => (result.atLeast ? { note: 'some round finished no response; p99 is at least this' } : {})
