/**
 * `GET /v1/index.json` throughput of our server process (bundled catalogue, fs store, JSON request
 * log on) against a bare Hono app returning the same bytes from memory, in the same run. Also
 * a version document and the HTML catalogue page, against the same bare app, for context.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CONNECTIONS, ROOT, SECONDS, compareLoad, logLines, ratio, serveArgs, startBare, startNode } from './_procs.mjs'

export default async function serverBench() {
  const data = await mkdtemp(join(tmpdir(), 'bench-server-'))
  await cp(join(ROOT, 'registry', 'templates'), join(data, 'templates'), { recursive: true })
  const logFile = join(tmpdir(), `bench-request-log-${process.pid}.ndjson`)
  const ours = await startNode(serveArgs(data), { stderrFile: logFile })
  let bare
  try {
    const index = await fetchOk(`${ours.url}/v1/index.json`)
    const [id, entry] = Object.entries(JSON.parse(index.toString()).templates)[0]
    const versionPath = `/v1/templates/${id}/${entry['dist-tags'].latest}.json`
    const version = await fetchOk(`${ours.url}${versionPath}`)
    const page = await fetchOk(`${ours.url}/`)
    bare = await startBare({ '/v1/index.json': index, [versionPath]: version, '/': page })

    const rows = []
    const compare = async (name, path, extra) => {
      const [a, b] = await compareLoad(`${ours.url}${path}`, `${bare.url}${path}`)
      const common = { baselineName: 'bare Hono, same bytes', ...extra }
      rows.push({
        name: `${name} req/s, JSON log on`,
        ours: a.rps,
        baseline: b.rps,
        unit: 'req/s',
        ratio: ratio(a.rps, b.rps),
        ...common,
      })
      rows.push({
        name: `${name} p99`,
        ours: a.p99,
        baseline: b.p99,
        unit: 'ms',
        ratio: ratio(a.p99, b.p99),
        ...common,
        goal: undefined,
      })
    }
    await compare(`GET /v1/index.json (${kb(index)})`, '/v1/index.json', { goal: '>= 0.8' })
    await compare(`GET ${versionPath}`, versionPath, { goal: '>= 0.8' })
    await compare(`GET / catalogue page (${kb(page)})`, '/', {})
    for (const row of rows) row.detail = `${CONNECTIONS} connections, ${SECONDS} s`
    rows.push(await logLines(logFile))
    return rows
  } finally {
    await Promise.all([ours.stop(), bare?.stop()])
    await rm(logFile, { force: true })
    await rm(data, { recursive: true, force: true })
  }
}

async function fetchOk(url) {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`)
  return Buffer.from(await res.arrayBuffer())
}

const kb = (bytes) => `${(bytes.length / 1024).toFixed(1)} KB`
