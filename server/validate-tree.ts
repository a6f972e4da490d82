import { readdir, readFile, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { integrityOfText } from '../shared/digest.js'
import { isValidId, isValidVersion } from '../shared/ids.js'
import { neighbours, semverProblem } from '../shared/contract.js'
import { parseTemplateJson } from '../shared/schema.js'
import type { Template } from '../shared/types.js'

export interface TreeProblem {
  file: string
  message: string
}

export interface TreeReport {
  problems: TreeProblem[]
  ids: number
  versions: number
}

const VERSION_FILE = /^(.+)\.json$/

/**
 * Checks a `registry/`-layout data dir: every version document against the schema and against its
 * path, and every meta.json against the files next to it. Lists every problem, not only the first.
 */
export async function validateTree(dataDir: string): Promise<TreeReport> {
  const templatesDir = join(dataDir, 'templates')
  const problems: TreeProblem[] = []
  const report = (path: string, message: string) =>
    problems.push({ file: relative(process.cwd(), path) || path, message })
  let ids = 0
  let versions = 0

  for (const id of await listIdDirs(templatesDir, report)) {
    const dir = join(templatesDir, ...id.split('/'))
    if (!isValidId(id)) {
      report(dir, `"${id}" is not a valid template id (lowercase letters, digits, dashes; @scope/name)`)
      continue
    }
    ids++
    const found = new Map<string, string>()
    let files = 0
    for (const name of (await readdir(dir)).sort()) {
      if (name === 'meta.json' || name.startsWith('.')) continue
      const path = join(dir, name)
      const version = VERSION_FILE.exec(name)?.[1]
      if (!version || !isValidVersion(version)) {
        report(path, `unexpected file; version documents are named <semver>.json`)
        continue
      }
      versions++
      files++
      const text = await readFile(path, 'utf8')
      const result = parseTemplateJson(text)
      if (!result.ok) {
        for (const issue of result.issues) report(path, `${issue.path || '(root)'}: ${issue.message}`)
        continue
      }
      if (result.template.id !== id) report(path, `id: "${result.template.id}" does not match its folder "${id}"`)
      if (result.template.version !== version)
        report(path, `version: "${result.template.version}" does not match its file name "${version}"`)
      found.set(version, text)
    }
    if (files === 0) report(dir, 'no version documents')
    checkSemver(dir, found, report)
    await checkMeta(join(dir, 'meta.json'), found, report)
  }
  return { problems, ids, versions }
}

/** Each version against its neighbours in its caret group, as a publish would check it. */
function checkSemver(dir: string, found: Map<string, string>, report: (path: string, message: string) => void): void {
  const docs = new Map([...found].map(([v, text]) => [v, JSON.parse(text) as Template]))
  const published = [...docs.keys()]
  for (const [version, doc] of docs) {
    // Against the earlier neighbour only: in a tree every pair is seen once, from its newer side.
    const earlier = docs.get(neighbours(version, published).earlier ?? '')
    const problem = semverProblem(doc, earlier ? { earlier } : {}, published)
    if (problem) report(join(dir, `${version}.json`), `${problem.code}: ${problem.message}`)
  }
}

async function listIdDirs(templatesDir: string, report: (path: string, message: string) => void): Promise<string[]> {
  const info = await stat(templatesDir).catch(() => null)
  if (!info?.isDirectory()) {
    report(templatesDir, 'missing: a registry keeps its templates in templates/<id>/<version>.json')
    return []
  }
  const ids: string[] = []
  for (const name of (await readdir(templatesDir)).sort()) {
    if (name.startsWith('.')) continue
    const path = join(templatesDir, name)
    if (!(await stat(path)).isDirectory()) {
      report(path, 'unexpected file; each template is a folder')
      continue
    }
    if (name.startsWith('@')) {
      for (const sub of (await readdir(path)).sort()) if (!sub.startsWith('.')) ids.push(`${name}/${sub}`)
    } else ids.push(name)
  }
  return ids
}

async function checkMeta(
  path: string,
  found: Map<string, string>,
  report: (path: string, message: string) => void,
): Promise<void> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    return // meta.json is optional: dates then come from the files, latest from the versions
  }
  let meta: {
    'dist-tags'?: Record<string, unknown>
    versions?: Record<string, { integrity?: unknown; publishedAt?: unknown }>
  }
  try {
    meta = JSON.parse(text)
  } catch {
    report(path, 'is not valid JSON')
    return
  }
  for (const [tag, version] of Object.entries(meta['dist-tags'] ?? {})) {
    if (typeof version !== 'string' || !found.has(version))
      report(path, `dist-tags.${tag}: points to ${JSON.stringify(version)}, which has no valid document`)
  }
  for (const [version, entry] of Object.entries(meta.versions ?? {})) {
    const doc = found.get(version)
    if (doc === undefined) {
      report(path, `versions.${version}: no valid ${version}.json next to it`)
      continue
    }
    if (
      entry.publishedAt !== undefined &&
      (typeof entry.publishedAt !== 'string' || Number.isNaN(Date.parse(entry.publishedAt)))
    ) {
      report(path, `versions.${version}.publishedAt: not an ISO date`)
    }
    if (entry.integrity !== undefined && entry.integrity !== integrityOfText(doc)) {
      report(path, `versions.${version}.integrity: does not match ${version}.json (a published version was edited?)`)
    }
  }
}
