import { CliError } from '../../shared/errors.js'
import { integrityOfText } from '../../shared/digest.js'
import type { RegistryIndex, Template } from '../../shared/types.js'
import { RegistryCache } from '../state/cache.js'
import { errorMessage, httpRequest, NetworkError } from './http-get.js'
import type { FetchedTemplate, RegistrySource, Warn } from './types.js'
import type { IndexTrust } from '../trust/index-check.js'

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
}

const parseIndex = (text: string, where: string): RegistryIndex => {
  let index: RegistryIndex
  try {
    index = JSON.parse(text) as RegistryIndex
  } catch {
    throw new CliError('E_BAD_INDEX', `${where} is not valid JSON`)
  }
  if (!index || index.formatVersion !== 1 || typeof index.templates !== 'object' || index.templates === null)
    throw new CliError('E_BAD_INDEX', `${where} is not a claude-multi registry index (formatVersion 1)`)
  return index
}

/** The content type of a body that is not JSON (`text/html`), or undefined when it is JSON. */
function nonJson(res: { headers: Record<string, string | string[] | undefined>; text: string }): string | undefined {
  const type = String(res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (type && !type.includes('json')) return type
  try {
    JSON.parse(res.text)
    return undefined
  } catch {
    return type || 'a body that is not JSON'
  }
}

const safeSerial = (text: string): number | undefined => {
  try {
    const serial = (JSON.parse(text) as RegistryIndex).serial
    return typeof serial === 'number' ? serial : undefined
  } catch {
    return undefined
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
  private readCachedIndex(): { text: string; meta: { url: string; etag?: string; fetchedAt: string }; index: RegistryIndex } | undefined {
    const cached = this.cache.readIndex()
    if (!cached) return undefined
    try {
      return { ...cached, index: parseIndex(cached.text, `cached index of ${this.name}`) }
    } catch {
      this.cache.dropIndex()
      this.opts.warn(`the cached index of registry ${this.name} was damaged; dropped it${this.opts.offline ? '' : ' and fetched it again'}`)
      return undefined
    }
  }

  private async fetchIndex(): Promise<RegistryIndex> {
    const cached = this.readCachedIndex()
    const fromCache = (why: string) => {
      if (!cached) throw new CliError('E_NO_CACHE', `registry ${this.name} (${this.url}) ${why} and nothing is cached yet`, 1, this.opts.offline ? 'run once without --offline' : 'check the URL and your network, or use --offline after a successful run')
      return cached.index
    }
    if (this.opts.offline) return fromCache('is not contacted with --offline')
    const url = `${this.url}/v1/index.json`
    let res
    try {
      const etag = cached?.meta.url === url ? cached.meta.etag : undefined
      res = await httpRequest(url, { headers: this.headers(etag ? { 'if-none-match': etag } : {}) })
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err
      const index = fromCache(`is unreachable (${err.message})`)
      this.opts.warn(`registry ${this.name} unreachable (${err.message}); using the cached index from ${cached!.meta.fetchedAt}`)
      return index
    }
    if (res.status === 304 && cached) return cached.index
    if (res.status >= 500) {
      const index = fromCache(`answered ${res.status}`)
      this.opts.warn(`registry ${this.name} answered ${errorMessage(res)}; using the cached index from ${cached!.meta.fetchedAt}`)
      return index
    }
    if (res.status === 401 || res.status === 403)
      throw new CliError('E_AUTH', `[GET] "${url}": ${errorMessage(res)}`, 1, `run \`claude-multi registry login ${this.name}\``)
    if (res.status !== 200) throw new CliError('E_HTTP', `[GET] "${url}": ${errorMessage(res)}`)
    // A 200 that is not JSON is somebody else's page (a captive portal, a maintenance page): an outage.
    const notJson = nonJson(res)
    if (notJson) {
      const index = fromCache(`answered 200 with ${notJson} instead of JSON`)
      this.opts.warn(`registry ${this.name} answered 200 with ${notJson} instead of JSON (a captive portal or maintenance page?); using the cached index from ${cached!.meta.fetchedAt}`)
      return index
    }
    const index = parseIndex(res.text, `[GET] "${url}"`)
    // A signed index carries a serial; an older one than already seen is a replay (rollback attack).
    const seenSerial = cached ? safeSerial(cached.text) : undefined
    if (!this.opts.trust && typeof index.serial === 'number' && seenSerial !== undefined && index.serial < seenSerial)
      throw new CliError('E_ROLLBACK', `registry ${this.name} served index serial ${index.serial}, older than ${seenSerial} already seen; refusing it`)
    // Signature, expiry and rollback (client/trust) before anything is written.
    if (this.opts.trust) await this.opts.trust.check(index, true)
    const etag = typeof res.headers.etag === 'string' ? res.headers.etag : undefined
    this.cache.writeIndex(res.text, { url, ...(etag ? { etag } : {}), fetchedAt: new Date().toISOString() })
    return index
  }

  async version(id: string, version: string, integrity?: string): Promise<FetchedTemplate> {
    const path = this.cache.versionPath(id, version)
    const cachedText = this.cache.readVersion(id, version)
    if (cachedText !== undefined) {
      let actual: string | undefined
      try {
        actual = integrityOfText(cachedText)
      } catch {}
      if (actual !== undefined && (!integrity || actual === integrity)) return { template: JSON.parse(cachedText) as Template, text: cachedText, integrity: actual }
      // Damaged or altered: only a copy. It goes, and the registry's document is checked afresh below.
      const what = actual === undefined ? 'is not valid JSON' : `has integrity ${actual} but ${integrity} was expected`
      if (this.opts.offline)
        throw new CliError('E_INTEGRITY', `cached ${id}@${version} (${path}) ${what}; refusing it`, 1, 'run without --offline to fetch it again')
      this.cache.dropVersion(id, version)
      this.opts.warn(`cached ${id}@${version} ${what}; dropped it and fetched it again`)
    }
    if (this.opts.offline)
      throw new CliError('E_NO_CACHE', `${id}@${version} is not in the cache and --offline forbids fetching it`)
    const url = `${this.url}/v1/templates/${id}/${version}.json`
    const res = await httpRequest(url, { headers: this.headers() })
    if (res.status !== 200) throw new CliError(res.status === 404 ? 'E_NOT_FOUND' : 'E_HTTP', `[GET] "${url}": ${errorMessage(res)}`)
    const actual = integrityOfText(res.text)
    if (integrity && actual !== integrity)
      throw new CliError('E_INTEGRITY', `${id}@${version} from ${this.name} has integrity ${actual} but the index says ${integrity}; refusing it`)
    // zod is loaded only here, the first time a document enters the cache, never on the hot path.
    const { parseTemplateJson } = await import('../../shared/schema.js')
    const parsed = parseTemplateJson(res.text)
    if (!parsed.ok)
      throw new CliError('E_INVALID', `${id}@${version} from ${this.name} is not a valid template: ${parsed.issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`)
    if (parsed.template.id !== id || parsed.template.version !== version)
      throw new CliError('E_INVALID', `[GET] "${url}" returned ${parsed.template.id}@${parsed.template.version}; refusing it`)
    this.cache.writeVersion(id, version, res.text)
    return { template: parsed.template, text: res.text, integrity: actual }
  }
}
