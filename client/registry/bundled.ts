import { existsSync, readdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { CliError } from '../../shared/errors.js'
import { integrityOfText } from '../../shared/digest.js'
import {
  entryFromMeta,
  fileFacts,
  metaFromTree,
  parseMetaFile,
  undescribed,
  versionsIn,
} from '../../shared/catalogue-tree.js'
import type { RegistryIndex, Template, TemplateEntry } from '../../shared/types.js'
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

  /** One id's entry by the catalogue-folder rules the registry's fs store uses (shared/catalogue-tree.ts). */
  private entryOf(id: string): TemplateEntry | undefined {
    const dir = join(this.root, 'templates', ...id.split('/'))
    const versions = versionsIn(readdirSync(dir))
    const stored = parseMetaFile(readText(join(dir, 'meta.json')))
    const facts = new Map(
      undescribed(versions, stored).map((v) => {
        const text = this.text(id, v)
        return [v, text === undefined ? null : fileFacts(text, statSync(join(dir, `${v}.json`)).mtime)] as const
      }),
    )
    const meta = metaFromTree(versions, stored, facts)
    const latest = meta['dist-tags'].latest
    return latest ? entryFromMeta(id, this.text(id, latest), meta) : undefined
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
