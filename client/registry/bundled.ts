import { existsSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { CliError } from '../../shared/errors.js'
import { integrityOfText } from '../../shared/digest.js'
import { parseVersion, sortVersions } from '../../shared/versions.js'
import type { RegistryIndex, Template, TemplateEntry, VersionEntry } from '../../shared/types.js'
import { readText } from '../state/json-file.js'
import type { FetchedTemplate, RegistrySource } from './types.js'

/** The catalogue shipped in the package: `registry/` next to `client/` (source) or `dist/` (built). */
export function bundledRoot(): string {
  if (process.env.CLAUDE_MULTI_BUNDLED_DIR) return process.env.CLAUDE_MULTI_BUNDLED_DIR
  for (const rel of ['../../registry/', '../../../registry/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url))
    if (existsSync(join(dir, 'templates'))) return dir
  }
  return fileURLToPath(new URL('../../../registry/', import.meta.url))
}

interface MetaFile {
  'dist-tags'?: Record<string, string>
  versions?: Record<string, Partial<VersionEntry>>
}

/** Reads the catalogue straight from disk: works offline, nothing to cache. */
export class BundledSource implements RegistrySource {
  readonly url = 'bundled'
  private cached?: RegistryIndex
  private texts = new Map<string, string>()

  constructor(
    readonly name: string,
    readonly root: string = bundledRoot(),
  ) {}

  private ids(): string[] {
    const dir = join(this.root, 'templates')
    if (!existsSync(dir))
      throw new CliError(
        'E_BUNDLED',
        `the bundled catalogue is missing at ${dir}; reinstall claude-multi or set CLAUDE_MULTI_REGISTRY`,
      )
    const ids: string[] = []
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (!d.isDirectory()) continue
      if (d.name.startsWith('@')) {
        for (const s of readdirSync(join(dir, d.name), { withFileTypes: true }))
          if (s.isDirectory()) ids.push(`${d.name}/${s.name}`)
      } else ids.push(d.name)
    }
    return ids.sort()
  }

  private text(id: string, version: string): string | undefined {
    const key = `${id}@${version}`
    let text = this.texts.get(key)
    if (text === undefined) {
      text = readText(join(this.root, 'templates', ...id.split('/'), `${version}.json`))
      if (text !== undefined) this.texts.set(key, text)
    }
    return text
  }

  private entryOf(id: string): TemplateEntry | undefined {
    const dir = join(this.root, 'templates', ...id.split('/'))
    const metaText = readText(join(dir, 'meta.json'))
    let meta: MetaFile = {}
    try {
      if (metaText) meta = JSON.parse(metaText) as MetaFile
    } catch {
      throw new CliError('E_BUNDLED', `${join(dir, 'meta.json')} is not valid JSON`)
    }
    const names = Object.keys(meta.versions ?? {})
    if (!names.length)
      for (const f of readdirSync(dir)) if (f.endsWith('.json') && f !== 'meta.json') names.push(f.slice(0, -5))
    const versions: Record<string, VersionEntry> = {}
    for (const v of names) {
      const m = meta.versions?.[v] ?? {}
      const text = m.integrity ? undefined : this.text(id, v)
      if (!m.integrity && text === undefined) continue
      versions[v] = {
        publishedAt: m.publishedAt ?? '1970-01-01T00:00:00.000Z',
        integrity: m.integrity ?? integrityOfText(text!),
        ...(m.deprecated ? { deprecated: m.deprecated } : {}),
      }
    }
    // Newest first; the highest release is `latest` unless meta.json tags another.
    const sorted = sortVersions(Object.keys(versions), 'newest-first')
    const latest = meta['dist-tags']?.latest ?? sorted.find((v) => !parseVersion(v)?.pre.length) ?? sorted[0]
    if (!latest) return undefined
    const doc = JSON.parse(this.text(id, latest) ?? '{}') as Partial<Template>
    // The same shape as shared/catalogue's makeEntry, without loading semver on this path.
    const tags: Record<string, string> = { latest }
    for (const tag of Object.keys(meta['dist-tags'] ?? {}).sort())
      if (tag !== 'latest') tags[tag] = meta['dist-tags']![tag]!
    const ordered: Record<string, VersionEntry> = {}
    for (const v of [...sorted].reverse()) ordered[v] = versions[v]!
    return {
      id,
      name: doc.name ?? id,
      description: doc.description ?? '',
      ...(doc.homepage ? { homepage: doc.homepage } : {}),
      'dist-tags': tags,
      versions: ordered,
    }
  }

  async index(): Promise<RegistryIndex> {
    if (this.cached) return this.cached
    const templates: Record<string, TemplateEntry> = {}
    for (const id of this.ids()) {
      const e = this.entryOf(id)
      if (e) templates[id] = e
    }
    this.cached = { formatVersion: 1, templates }
    return this.cached
  }

  async version(id: string, version: string, integrity?: string): Promise<FetchedTemplate> {
    const text = this.text(id, version)
    if (text === undefined) throw new CliError('E_NOT_FOUND', `${id}@${version} is not in the bundled catalogue`)
    const actual = integrityOfText(text)
    if (integrity && integrity !== actual)
      throw new CliError(
        'E_INTEGRITY',
        `${id}@${version} in the bundled catalogue has integrity ${actual}, expected ${integrity}; refusing it`,
      )
    return { template: JSON.parse(text) as Template, text, integrity: actual }
  }
}
