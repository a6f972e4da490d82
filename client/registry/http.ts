import { CliError } from '../../shared/errors.js'
import { integrityOfText, jsonTooDeep } from '../../shared/digest.js'
import type { RegistryIndex, Template, TemplateEntry } from '../../shared/types.js'
import { RegistryCache } from '../state/cache.js'
import { errorMessage, httpRequest, MAX_INDEX_BYTES, NetworkError } from './http-get.js'
import type { FetchedTemplate, RegistrySource, Warn } from './types.js'
import type { IndexTrust } from '../trust/index-check.js'
import { findEntry } from './entry.js'
import { fetchEntry } from './http-entry.js'

export interface HttpSourceOptions {
  name: string
  url: string
  scope?: string
  cacheRoot: string
  offline?: boolean
  token?: () => string | undefined
  warn: Warn
  /** Signature, expiry and rollback checks (client/trust); every index passes it before use. */
  trust?: IndexTrust
  /** Longest silence allowed on a request (default: http-get's). */
  timeoutMs?: number
}

const parseIndex = (text: string, where: string): RegistryIndex => {
  let index: RegistryIndex
  try {
    index = JSON.parse(text) as RegistryIndex
  } catch {
    throw new CliError('E_BAD_INDEX', `${where} is not valid JSON`)
  }
  if (
    index?.formatVersion !== 1 ||
    typeof index.templates !== 'object' ||
    index.templates === null ||
    Array.isArray(index.templates)
  )
    throw new CliError('E_BAD_INDEX', `${where} is not a claude-multi registry index (formatVersion 1)`)
  // An index is four levels deep; walking (or signing) a deeper one would overflow the stack.
  if (jsonTooDeep(index, 16)) throw new CliError('E_BAD_INDEX', `${where} nests deeper than an index does; refusing it`)
  return index
}

/** A version document as parsed JSON, refused (never an unexpected error) when it is not one. */
function parseDocument(text: string, where: string): { doc: unknown; integrity: string } {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw new CliError('E_BAD_DOCUMENT', `${where} is not valid JSON; refusing it`)
  }
  if (jsonTooDeep(doc, 8))
    throw new CliError('E_BAD_DOCUMENT', `${where} nests deeper than a template does; refusing it`)
  return { doc, integrity: integrityOfText(text) }
}

/** The fields every use of a document reads, checked without zod (a cached copy may predate this client). */
function asTemplate(doc: unknown, where: string): Template {
  const t = doc as Partial<Template> | null
  const strings = (o: unknown) =>
    typeof o === 'object' && o !== null && !Array.isArray(o) && Object.values(o).every((v) => typeof v === 'string')
  if (
    !t ||
    typeof t !== 'object' ||
    typeof t.id !== 'string' ||
    typeof t.version !== 'string' ||
    typeof t.baseUrl !== 'string' ||
    typeof t.auth !== 'string' ||
    !strings(t.models) ||
    !strings(t.env) ||
    (t.inputs !== undefined && !Array.isArray(t.inputs))
  )
    throw new CliError(
      'E_BAD_DOCUMENT',
      `${where} is not a template document; refusing it`,
      1,
      'delete that file to fetch the document again',
    )
  return t as Template
}

/** The content type of a body that is not JSON (`text/html`), or undefined when it is JSON. */
function nonJson(res: { headers: Record<string, string | string[] | undefined>; text: string }): string | undefined {
  const type = String(res.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase()
  if (type && !type.includes('json')) return type
  try {
    JSON.parse(res.text)
    return undefined
  } catch {
    return type || 'a body that is not JSON'
  }
}

/**
 * A registry over HTTP. The index is revalidated once per command with `If-None-Match` (a 304 is
 * the whole cost of an up-to-date check); versions are immutable, so once their digest matches
 * they are read from the cache forever.
 */
export class HttpSource implements RegistrySource {
  readonly name: string
  readonly url: string
  readonly scope?: string
  private readonly cache: RegistryCache
  private memo?: Promise<RegistryIndex>
  private readonly entries = new Map<string, Promise<TemplateEntry | undefined>>()
  private readonly warned = new Set<string>()
  signedBy?: string

  constructor(private readonly opts: HttpSourceOptions) {
    this.name = opts.name
    this.url = opts.url.replace(/\/+$/, '')
    if (opts.scope) this.scope = opts.scope
    this.cache = new RegistryCache(opts.cacheRoot, opts.name, this.url)
  }

  token(): string | undefined {
    return this.opts.token?.()
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const token = this.token()
    return token ? { authorization: `Bearer ${token}`, ...extra } : extra
  }

  /**
   * One id's entry from its own signed document (client/registry/http-entry.ts), or from the full
   * index when the registry cannot serve it that way or the index is loaded already.
   */
  entry(id: string): Promise<TemplateEntry | undefined> {
    let found = this.entries.get(id)
    if (!found) {
      found = this.loadEntry(id)
      this.entries.set(id, found)
    }
    return found
  }

  private async loadEntry(id: string): Promise<TemplateEntry | undefined> {
    if (!this.memo) {
      const got = await fetchEntry(
        {
          name: this.name,
          url: this.url,
          cache: this.cache,
          offline: this.opts.offline ?? false,
          headers: (extra) => this.headers(extra),
          warn: (m, once) => this.warnOnce(m, once),
          trust: this.opts.trust,
          timeoutMs: this.opts.timeoutMs,
        },
        id,
      )
      if (got !== 'fallback') {
        if (got.keyId) this.signedBy = got.keyId
        return got.entry
      }
    }
    return findEntry(await this.index(), id, this.name)
  }

  private warnOnce(message: string, once?: string): void {
    if (once !== undefined && this.warned.has(once)) return
    if (once !== undefined) this.warned.add(once)
    this.opts.warn(message)
  }

  index(): Promise<RegistryIndex> {
    this.memo ??= this.loadIndex()
    return this.memo
  }

  private async loadIndex(): Promise<RegistryIndex> {
    const index = await this.fetchIndex()
    // A cached copy is checked too: a 304 or an "unreachable" registry must not freeze us on an expired index.
    if (this.opts.trust) this.signedBy = (await this.opts.trust.check(index, false)).keyId
    return index
  }

  /** The cached index, or undefined; a damaged one is dropped (with one line saying so), never a reason to fail. */
  private readCachedIndex():
    | { text: string; meta: { url: string; etag?: string; fetchedAt: string }; index: RegistryIndex }
    | undefined {
    const cached = this.cache.readIndex()
    if (!cached) return undefined
    try {
      return { ...cached, index: parseIndex(cached.text, `cached index of ${this.name}`) }
    } catch {
      this.cache.dropIndex()
      this.opts.warn(
        `the cached index of registry ${this.name} was damaged; dropped it${this.opts.offline ? '' : ' and fetched it again'}`,
      )
      return undefined
    }
  }

  private async fetchIndex(): Promise<RegistryIndex> {
    const cached = this.readCachedIndex()
    const fromCache = (why: string) => {
      if (!cached)
        throw new CliError(
          'E_NO_CACHE',
          `registry ${this.name} (${this.url}) ${why} and nothing is cached yet`,
          1,
          this.opts.offline
            ? 'run once without --offline'
            : 'check the URL and your network, or use --offline after a successful run',
        )
      return cached.index
    }
    if (this.opts.offline) return fromCache('is not contacted with --offline')
    const url = `${this.url}/v1/index.json`
    let res
    try {
      const etag = cached?.meta.url === url ? cached.meta.etag : undefined
      res = await httpRequest(url, {
        headers: this.headers(etag ? { 'if-none-match': etag } : {}),
        maxBytes: MAX_INDEX_BYTES,
        timeoutMs: this.opts.timeoutMs,
      })
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err
      const index = fromCache(`is unreachable (${err.message})`)
      this.opts.warn(
        `registry ${this.name} unreachable (${err.message}); using the cached index from ${cached!.meta.fetchedAt}`,
      )
      return index
    }
    if (res.status === 304 && cached) return cached.index
    if (res.status >= 500) {
      const index = fromCache(`answered ${res.status}`)
      this.opts.warn(
        `registry ${this.name} answered ${errorMessage(res)}; using the cached index from ${cached!.meta.fetchedAt}`,
      )
      return index
    }
    if (res.status === 401 || res.status === 403)
      throw new CliError(
        'E_AUTH',
        `[GET] "${url}": ${errorMessage(res)}`,
        1,
        `run \`claude-multi registry login ${this.name}\``,
      )
    if (res.status !== 200) throw new CliError('E_HTTP', `[GET] "${url}": ${errorMessage(res)}`)
    // A 200 that is not JSON is somebody else's page (a captive portal, a maintenance page): an outage.
    const notJson = nonJson(res)
    if (notJson) {
      const index = fromCache(`answered 200 with ${notJson} instead of JSON`)
      this.opts.warn(
        `registry ${this.name} answered 200 with ${notJson} instead of JSON (a captive portal or maintenance page?); using the cached index from ${cached!.meta.fetchedAt}`,
      )
      return index
    }
    const index = parseIndex(res.text, `[GET] "${url}"`)
    // Signature, expiry and rollback (client/trust, only against a pinned key) before anything is written.
    if (this.opts.trust) await this.opts.trust.check(index, true)
    const etag = typeof res.headers.etag === 'string' ? res.headers.etag : undefined
    this.cache.writeIndex(res.text, { url, ...(etag ? { etag } : {}), fetchedAt: new Date().toISOString() })
    return index
  }

  async version(id: string, version: string, integrity?: string): Promise<FetchedTemplate> {
    const path = this.cache.versionPath(id, version)
    const cachedText = this.cache.readVersion(id, version)
    if (cachedText !== undefined) {
      let cached: { doc: unknown; integrity: string } | undefined
      try {
        cached = parseDocument(cachedText, `cached ${id}@${version} (${path})`)
      } catch {}
      const actual = cached?.integrity
      if (cached && (!integrity || actual === integrity))
        return {
          template: asTemplate(cached.doc, `cached ${id}@${version} (${path})`),
          text: cachedText,
          integrity: cached.integrity,
        }
      // Damaged or altered: only a copy. It goes, and the registry's document is checked afresh below.
      const what =
        actual === undefined ? 'is not a valid JSON document' : `has integrity ${actual} but ${integrity} was expected`
      if (this.opts.offline)
        throw new CliError(
          'E_INTEGRITY',
          `cached ${id}@${version} (${path}) ${what}; refusing it`,
          1,
          'run without --offline to fetch it again',
        )
      this.cache.dropVersion(id, version)
      this.opts.warn(`cached ${id}@${version} ${what}; dropped it and fetched it again`)
    }
    if (this.opts.offline)
      throw new CliError('E_NO_CACHE', `${id}@${version} is not in the cache and --offline forbids fetching it`)
    const url = `${this.url}/v1/templates/${id}/${version}.json`
    const res = await httpRequest(url, { headers: this.headers(), timeoutMs: this.opts.timeoutMs })
    if (res.status !== 200)
      throw new CliError(res.status === 404 ? 'E_NOT_FOUND' : 'E_HTTP', `[GET] "${url}": ${errorMessage(res)}`)
    const actual = parseDocument(res.text, `[GET] "${url}"`).integrity
    if (integrity && actual !== integrity)
      throw new CliError(
        'E_INTEGRITY',
        `${id}@${version} from ${this.name} has integrity ${actual} but the index says ${integrity}; refusing it`,
      )
    // zod is loaded only here, the first time a document enters the cache, never on the hot path.
    const { parseTemplateJson } = await import('../../shared/schema.js')
    const parsed = parseTemplateJson(res.text)
    if (!parsed.ok)
      throw new CliError(
        'E_INVALID',
        `${id}@${version} from ${this.name} is not a valid template: ${parsed.issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
      )
    if (parsed.template.id !== id || parsed.template.version !== version)
      throw new CliError(
        'E_INVALID',
        `[GET] "${url}" returned ${parsed.template.id}@${parsed.template.version}; refusing it`,
      )
    this.cache.writeVersion(id, version, res.text)
    return { template: parsed.template, text: res.text, integrity: actual }
  }
}
