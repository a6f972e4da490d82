import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { RegistryIndex } from '../shared/types.js'

/** Anything that answers requests like the registry app (`app.request`). */
type Requester = (path: string) => Response | Promise<Response>

/** Every read path of the registry, in the order `build` writes them. */
export function readPaths(index: RegistryIndex): string[] {
  const paths = ['/v1/index.json', '/v1/schema.json', '/v1/keys.json']
  for (const [id, entry] of Object.entries(index.templates)) {
    paths.push(`/v1/templates/${id}.json`)
    for (const version of Object.keys(entry.versions)) paths.push(`/v1/templates/${id}/${version}.json`)
  }
  return paths
}

/**
 * Writes the read API as static files by asking the app itself for each document, so a static host
 * answers exactly the bytes the server would.
 */
export async function buildStatic(request: Requester, outDir: string): Promise<number> {
  const indexRes = await request('/v1/index.json')
  if (indexRes.status !== 200) throw new Error(`the index answered ${indexRes.status}`)
  const index = JSON.parse(await indexRes.text()) as RegistryIndex
  let written = 0
  for (const path of readPaths(index)) {
    const res = await request(path)
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`)
    const bytes = Buffer.from(await res.arrayBuffer())
    const file = join(outDir, ...path.slice(1).split('/'))
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, bytes)
    written++
  }
  return written
}
