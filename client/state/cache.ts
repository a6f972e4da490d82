import { sha256 } from '../../shared/digest.js'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from './atomic.js'
import { readText } from './json-file.js'
import { CliError } from '../../shared/errors.js'
import { isValidId } from '../../shared/ids.js'
import { parseVersion } from '../../shared/versions.js'

export interface IndexCacheMeta {
  url: string
  etag?: string
  fetchedAt: string
}

/** One cached per-id document: its bytes as served, with the validator to revalidate them. */
export interface EntryCacheRecord {
  url: string
  etag?: string
  fetchedAt: string
  body: string
}

/**
 * An ETag as a registry can send one, so it can be sent back in `If-None-Match`: a value edited on
 * disk with a newline made Node throw "Invalid character in header content" (an unexpected error).
 */
const validatorOk = (etag: unknown): boolean =>
  etag === undefined || (typeof etag === 'string' && etag.length <= 1024 && /^[\t\x20-\x7e\x80-\xff]*$/.test(etag))

/**
 * `cache/<registry>-<hash of url>/`: `index.json` (bytes as served) with `index.meta.json` (ETag,
 * time), `entries/<id>.json` (a per-id document with its ETag, in one file so both change
 * together) and `templates/<id>/<version>.json`, immutable and kept forever. Keying by URL means
 * pointing a name at another registry never mixes their documents.
 */
export class RegistryCache {
  readonly dir: string
  constructor(root: string, name: string, url: string) {
    const hash = sha256(url, 'hex').slice(0, 10)
    this.dir = join(root, `${name.replace(/[^a-z0-9-]/gi, '_')}-${hash}`)
  }

  readIndex(): { text: string; meta: IndexCacheMeta } | undefined {
    const text = readText(join(this.dir, 'index.json'))
    const metaText = readText(join(this.dir, 'index.meta.json'))
    if (text === undefined || metaText === undefined) return undefined
    try {
      const meta = JSON.parse(metaText) as IndexCacheMeta
      if (meta && typeof meta.url === 'string' && validatorOk(meta.etag)) return { text, meta }
    } catch {}
    // A broken cache is only a cache: behave as if it were empty.
    return undefined
  }

  /** Forgets the cached index (it is damaged): the next read fetches it unconditionally. */
  dropIndex(): void {
    for (const f of ['index.json', 'index.meta.json']) rmSync(join(this.dir, f), { force: true })
  }

  dropVersion(id: string, version: string): void {
    rmSync(this.versionPath(id, version), { force: true })
  }

  writeIndex(text: string, meta: IndexCacheMeta): void {
    writeFileAtomic(join(this.dir, 'index.json'), text)
    writeFileAtomic(join(this.dir, 'index.meta.json'), `${JSON.stringify(meta)}\n`)
  }

  /** Ids and versions come from a registry: checked here too, so no value from it is ever a path. */
  versionPath(id: string, version: string): string {
    if (!isValidId(id) || !parseVersion(version))
      throw new CliError(
        'E_BAD_INDEX',
        `${JSON.stringify(`${id}@${version}`.slice(0, 120))} is not a template id and version; refusing it`,
      )
    return join(this.dir, 'templates', ...id.split('/'), `${version}.json`)
  }

  entryPath(id: string): string {
    if (!isValidId(id))
      throw new CliError('E_BAD_INDEX', `${JSON.stringify(id.slice(0, 120))} is not a template id; refusing it`)
    return join(this.dir, 'entries', `${id}.json`)
  }

  /** The cached per-id document, undefined, or `damaged` (then already dropped: it is only a cache). */
  readEntry(id: string): EntryCacheRecord | 'damaged' | undefined {
    const text = readText(this.entryPath(id))
    if (text === undefined) return undefined
    try {
      const rec = JSON.parse(text) as EntryCacheRecord
      if (
        rec &&
        typeof rec.body === 'string' &&
        typeof rec.url === 'string' &&
        validatorOk(rec.etag) &&
        typeof JSON.parse(rec.body) === 'object'
      )
        return rec
    } catch {}
    this.dropEntry(id)
    return 'damaged'
  }

  writeEntry(id: string, rec: EntryCacheRecord): void {
    writeFileAtomic(this.entryPath(id), `${JSON.stringify(rec)}\n`)
  }

  dropEntry(id: string): void {
    rmSync(this.entryPath(id), { force: true })
  }

  readVersion(id: string, version: string): string | undefined {
    return readText(this.versionPath(id, version))
  }

  writeVersion(id: string, version: string, text: string): void {
    writeFileAtomic(this.versionPath(id, version), text)
  }
}
