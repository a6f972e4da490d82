import { randomBytes } from 'node:crypto'
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import type { RegistryIndex } from '../shared/types.js'

/** Anything that answers requests like the registry app (`app.request`). */
type Requester = (path: string) => Response | Promise<Response>

/** One document of the static tree: what the server answers at `path`, written where a static host serves it. */
export interface StaticDocument {
  path: string
  /** Relative to the output dir. */
  file: string
  /** The status the server answers with; 404.html is what static hosts answer for any missing path. */
  status?: 200 | 404
}

const api = (path: string): StaticDocument => ({ path, file: path.slice(1) })

/**
 * Everything `build` writes, in order: the read API, then the web pages. The one list to extend
 * when the server gains a document. Pages go where a plain static host (`python3 -m http.server`,
 * GitHub Pages, a CDN bucket) finds them for the URL the server uses: `/` → `index.html`,
 * `/t/<id>` → `t/<id>/index.html` (hosts answer `/t/<id>` with it, some after a redirect to `/t/<id>/`).
 */
export function staticDocuments(index: RegistryIndex, { web = true } = {}): StaticDocument[] {
  const docs = [api('/v1/index.json'), api('/v1/schema.json'), api('/v1/keys.json')]
  const ids = Object.keys(index.templates)
  for (const id of ids) {
    docs.push(api(`/v1/templates/${id}.json`))
    for (const version of Object.keys(index.templates[id]!.versions))
      docs.push(api(`/v1/templates/${id}/${version}.json`))
  }
  if (web) {
    docs.push({ path: '/', file: 'index.html' }, api('/search.json'))
    for (const id of ids) docs.push({ path: `/t/${id}`, file: `t/${id}/index.html` })
    // Not a template id (ids never start with a dash): the server's own not-found page.
    docs.push({ path: '/t/-', file: '404.html', status: 404 })
  }
  return docs
}

/** Every read path of the registry's JSON API (kept for callers that list them). */
export function readPaths(index: RegistryIndex): string[] {
  return staticDocuments(index, { web: false }).map((d) => d.path)
}

/**
 * Writes the static tree by asking the app itself for each document, so a static host answers
 * exactly the bytes the server would. Each file appears whole (temp file + rename); a document
 * that does not answer as expected stops the build with its path.
 */
export async function buildStatic(
  request: Requester,
  outDir: string,
  options: { web?: boolean } = {},
): Promise<number> {
  const root = resolve(outDir)
  const indexRes = await request('/v1/index.json')
  if (indexRes.status !== 200) throw new Error(`the index answered ${indexRes.status}`)
  const index = JSON.parse(await indexRes.text()) as RegistryIndex
  let written = 0
  for (const doc of staticDocuments(index, options)) {
    const res = await request(doc.path)
    if (res.status !== (doc.status ?? 200)) throw new Error(`${doc.path} answered ${res.status}`)
    const file = resolve(root, ...doc.file.split('/'))
    // Ids are validated before they reach the index; a path outside the tree is refused all the same.
    if (!file.startsWith(root + sep)) throw new Error(`${doc.path} would be written outside ${root}`)
    await writeWhole(file, Buffer.from(await res.arrayBuffer()))
    written++
  }
  return written
}

async function writeWhole(file: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const temp = join(dirname(file), `.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(temp, bytes)
    await rename(temp, file)
  } catch (error) {
    await unlink(temp).catch(() => {})
    throw error
  }
}
