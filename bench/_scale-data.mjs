/** The generated registry of the server-scale bench: ids, versions, documents, and plain reads of them. */
import { existsSync } from 'node:fs'
import http from 'node:http'
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT } from './_procs.mjs'

export const IDS = Number(process.env.BENCH_SCALE_IDS ?? 10_000)
export const VERSIONS = Number(process.env.BENCH_SCALE_VERSIONS ?? 20)
export const SAMPLE = 200

export const idOf = (i) => `p${String(i).padStart(5, '0')}`
export const versionOf = (j) => `1.${j}.0`

/** Deterministic, so results are comparable between runs; different ids and versions on every run of the sample. */
export function samplePaths() {
  let seed = 42
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  return Array.from(
    { length: SAMPLE },
    () => `/v1/templates/${idOf(Math.floor(next() * IDS))}/${versionOf(Math.floor(next() * VERSIONS))}.json`,
  )
}

export function doc(i, j) {
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
export async function generate(dir, ids = IDS) {
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
      while (next < ids) await writeId(next++)
    }),
  )
  await writeFile(marker, '')
  return performance.now() - started
}

/** The least work any fs-backed index needs: list, read each meta and latest document, serialize. */
export async function plainRead(dir) {
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
export function rawGet(url, headers) {
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

export async function fetchOk(url) {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`)
  return Buffer.from(await res.arrayBuffer())
}
