import { readdirSync, rmSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { integrityOfText } from '../../shared/digest.js'
import type { RegistryIndex } from '../../shared/types.js'
import { readText } from './json-file.js'

export interface CacheReport {
  registries: number
  documents: number
  bytes: number
  /** What was wrong and is gone now (fetched again when next needed). */
  dropped: { path: string; why: string }[]
}

const files = (dir: string): string[] => {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(dir, f))
  } catch {
    return []
  }
}

function parseIndex(text: string | undefined): RegistryIndex | undefined {
  try {
    const index = JSON.parse(text ?? '') as RegistryIndex
    return index && index.formatVersion === 1 && typeof index.templates === 'object' && index.templates !== null
      ? index
      : undefined
  } catch {
    return undefined
  }
}

/**
 * npm's `cache verify` for our cache: every cached index must parse, every cached document must
 * parse and match the integrity its index lists. What does not is removed, never repaired in place.
 */
export function verifyCache(root: string, opts: { dryRun?: boolean } = {}): CacheReport {
  const report: CacheReport = { registries: 0, documents: 0, bytes: 0, dropped: [] }
  let dirs: string[] = []
  try {
    dirs = readdirSync(root)
      .map((d) => join(root, d))
      .filter((d) => statSync(d).isDirectory())
  } catch {
    return report
  }
  for (const dir of dirs) {
    report.registries++
    const indexText = readText(join(dir, 'index.json'))
    const index = parseIndex(indexText)
    if (indexText !== undefined && !index) {
      if (!opts.dryRun) for (const f of ['index.json', 'index.meta.json']) rmSync(join(dir, f), { force: true })
      report.dropped.push({ path: join(dir, 'index.json'), why: 'not a registry index' })
    } else if (indexText !== undefined) report.bytes += indexText.length
    // Per-id documents: a record that does not parse goes (it is refetched, and re-verified, when next used).
    for (const path of files(join(dir, 'entries'))) {
      const text = readText(path) ?? ''
      let ok = false
      try {
        const rec = JSON.parse(text) as { body?: unknown }
        ok = typeof rec.body === 'string' && typeof JSON.parse(rec.body) === 'object'
      } catch {}
      if (ok) {
        report.documents++
        report.bytes += text.length
      } else {
        if (!opts.dryRun) rmSync(path, { force: true })
        report.dropped.push({ path, why: 'not a cached per-id document' })
      }
    }
    for (const path of files(join(dir, 'templates'))) {
      const text = readText(path) ?? ''
      const [id, version] = splitDoc(relative(join(dir, 'templates'), path))
      const listed = index?.templates[id]?.versions[version]?.integrity
      let why: string | undefined
      try {
        JSON.parse(text)
        if (listed && integrityOfText(text) !== listed)
          why = `integrity ${integrityOfText(text)}, the index lists ${listed}`
      } catch {
        why = 'not valid JSON'
      }
      if (why) {
        if (!opts.dryRun) rmSync(path, { force: true })
        report.dropped.push({ path, why })
      } else {
        report.documents++
        report.bytes += text.length
      }
    }
  }
  return report
}

/** `@acme/gw/1.2.0.json` → [`@acme/gw`, `1.2.0`]. */
function splitDoc(rel: string): [string, string] {
  const parts = rel.split(sep)
  const file = parts.pop()!
  return [parts.join('/'), file.slice(0, -'.json'.length)]
}

export function cleanCache(root: string): number {
  let bytes = 0
  for (const f of files(root)) bytes += statSync(f).size
  rmSync(root, { recursive: true, force: true })
  return bytes
}
