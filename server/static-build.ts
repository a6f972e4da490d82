import { randomBytes } from 'node:crypto'
import { lstat, mkdir, rename, unlink, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { isValidId, isValidVersion } from '../shared/ids.js'
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
    // Each becomes a file path: a store written behind the server's back (a row put straight into
    // PostgreSQL) could list version `../../index`, which would overwrite another file of the tree.
    if (!isValidId(id)) throw new Error(`the index lists ${JSON.stringify(id.slice(0, 120))}, not a template id`)
    docs.push(api(`/v1/templates/${id}.json`))
    for (const version of Object.keys(index.templates[id]!.versions)) {
      if (!isValidVersion(version))
        throw new Error(`the index lists ${JSON.stringify(version.slice(0, 120))} as a version of ${id}`)
      docs.push(api(`/v1/templates/${id}/${version}.json`))
    }
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
  const docs = staticDocuments(index, options)
  // Every directory is checked before the first file is written, so a refused tree is left as it was.
  const checked = new Set<string>()
  for (const doc of docs) await makeDirs(root, dirname(resolve(root, ...doc.file.split('/'))), checked, false)
  const dirs = new Set<string>()
  for (const doc of docs) {
    const res = await request(doc.path)
    if (res.status !== (doc.status ?? 200)) throw new Error(`${doc.path} answered ${res.status}`)
    const file = resolve(root, ...doc.file.split('/'))
    // Ids are validated before they reach the index; a path outside the tree is refused all the same.
    if (!file.startsWith(root + sep)) throw new Error(`${doc.path} would be written outside ${root}`)
    await makeDirs(root, dirname(file), dirs)
    await writeWhole(file, Buffer.from(await res.arrayBuffer()))
    written++
  }
  return written
}

/**
 * The directories from the output root down to `dir`, made where missing. One that is a symbolic
 * link is refused: `mkdir -p` and the rename would follow it, so a link committed into the output
 * directory (`public/t -> ~/.config`) had the build write its pages wherever it pointed. The root
 * itself may be a link (the operator chose it). With `create` false it only checks what exists.
 */
async function makeDirs(root: string, dir: string, made: Set<string>, create = true): Promise<void> {
  if (create) await mkdir(root, { recursive: true })
  let at = root
  for (const part of relative(root, dir).split(sep).filter(Boolean)) {
    at = join(at, part)
    if (made.has(at)) continue
    const found = await lstat(at).catch(() => undefined)
    if (!found && !create) return
    if (!found)
      await mkdir(at).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e)))
    else if (!found.isDirectory())
      throw new Error(
        `${relative(root, at)} in ${root} is ${found.isSymbolicLink() ? 'a symbolic link' : 'not a directory'}; refusing to write through it (remove it)`,
      )
    made.add(at)
  }
}

async function writeWhole(file: string, bytes: Uint8Array): Promise<void> {
  const temp = join(dirname(file), `.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(temp, bytes)
    await rename(temp, file)
  } catch (error) {
    await unlink(temp).catch(() => {})
    throw error
  }
}
