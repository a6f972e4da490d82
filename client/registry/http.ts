import { CliError } from '../../shared/errors.js'
import type { RegistryIndex, TemplateEntry } from '../../shared/types.js'
import { RegistryCache } from '../state/cache.js'
import { errorMessage, httpRequest, MAX_INDEX_BYTES, NetworkError } from './http-get.js'
import type { FetchedTemplate, RegistrySource, Warn } from './types.js'
import type { IndexTrust } from '../trust/index-check.js'
import { findEntry } from './entry.js'
import { CACHE_DAMAGE, fetchEntry } from './http-entry.js'
import { asTemplate, nonJson, parseDocument, parseIndex } from './http-parse.js'

export interface HttpSourceOptions {
  name: string
  url: string
  scope?: string
  cacheRoot: string
  offline?: boolean
  token?: () => string | undefined
  /** The variable the token is read from first (`--token-env`, CLAUDE_MULTI_TOKEN for public). */
  tokenEnv?: string
  warn: Warn
  /** Signature, expiry and rollback checks (client/trust); every index passes it before use. */
  trust?: IndexTrust
  /** Longest silence allowed on a request (default: http-get's). */
  timeoutMs?: number
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

  /** What to do about a refused token: a set variable wins over the file `registry login` writes. */
  loginHint(): string {
    const env = this.opts.tokenEnv
    return env && process.env[env]
      ? `the token comes from $${env}, which wins over \`claude-multi registry login ${this.name}\`: set it to a valid token`
      : `run \`claude-multi registry login ${this.name}\``
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
          loginHint: () => this.loginHint(),
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

  /** One HEAD of the index: its status, none of its bytes. */
  async probe(): Promise<void> {
    if (this.opts.offline) return
    const url = `${this.url}/v1/index.json`
    const res = await httpRequest(url, { method: 'HEAD', headers: this.headers(), timeoutMs: this.opts.timeoutMs })
    if (res.status === 401 || res.status === 403)
      throw new CliError('E_AUTH', `[HEAD] "${url}": ${res.status}`, 1, this.loginHint())
    if (res.status !== 200) throw new CliError('E_HTTP', `[HEAD] "${url}": ${res.status}`)
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
    const { index, checked, revalidated } = await this.fetchIndex()
    // A cached copy is checked too: a 304 or an "unreachable" registry must not freeze us on an expired
    // index. A fresh one was checked (once) before it was written to the cache.
    if (!this.opts.trust || checked) return index
    try {
      this.signedBy = (await this.opts.trust.check(index, false)).keyId
      return index
    } catch (err) {
      // The registry vouched for this copy when it was cached: one that no longer verifies changed
      // on disk. It is dropped, not blamed on the registry; after a 304 it is fetched again.
      if (!(err instanceof CliError) || !CACHE_DAMAGE.has(err.code)) throw err
      this.cache.dropIndex()
      this.opts.warn(
        `the cached index of registry ${this.name} no longer verifies (${err.code}); dropped it${revalidated ? ' and fetched it again' : ''}`,
      )
      if (revalidated) return (await this.fetchIndex()).index
      throw new CliError(
        'E_NO_CACHE',
        `registry ${this.name} (${this.url}) ${this.opts.offline ? 'is not contacted with --offline' : 'is unreachable'} and its cached index no longer verifies`,
        1,
        this.opts.offline ? 'run once without --offline' : 'retry when the registry is reachable',
      )
    }
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

  /** The index, and whether the trust check already ran on it (a fresh copy, checked before caching). */
  private async fetchIndex(): Promise<{ index: RegistryIndex; checked: boolean; revalidated?: boolean }> {
    const cached = this.readCachedIndex()
    // An answer that is not a registry's is a wrong URL more often than an outage: the hint says which to check.
    const notRegistry = `check that the URL points at a claude-multi registry; \`claude-multi registry list\` shows the one in use`
    const fromCache = (
      why: string,
      hint = 'check the URL and your network; once an index is cached, an outage only warns',
    ) => {
      if (!cached)
        throw new CliError(
          'E_NO_CACHE',
          `registry ${this.name} (${this.url}) ${why}; nothing is cached yet`,
          1,
          this.opts.offline ? 'run once without --offline' : hint,
        )
      return { index: cached.index, checked: false }
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
      const copy = fromCache(`is unreachable: ${err.reason}`)
      this.opts.warn(
        `registry ${this.name} unreachable (${err.reason}); using the cached index from ${cached!.meta.fetchedAt}`,
      )
      return copy
    }
    if (res.status === 304 && cached) return { index: cached.index, checked: false, revalidated: true }
    if (res.status >= 500) {
      const copy = fromCache(`answered ${errorMessage(res)}`)
      this.opts.warn(
        `registry ${this.name} answered ${errorMessage(res)}; using the cached index from ${cached!.meta.fetchedAt}`,
      )
      return copy
    }
    if (res.status === 401 || res.status === 403)
      throw new CliError('E_AUTH', `[GET] "${url}": ${errorMessage(res)}`, 1, this.loginHint())
    if (res.status !== 200)
      throw new CliError(
        'E_HTTP',
        `registry ${this.name} (${this.url}) answered ${errorMessage(res)} for /v1/index.json`,
        1,
        res.status === 404 ? notRegistry : undefined,
      )
    // A 200 that is not JSON is somebody else's page (a captive portal, a maintenance page): an outage.
    const notJson = nonJson(res)
    if (notJson) {
      const copy = fromCache(`answered 200 with ${notJson}`, notRegistry)
      this.opts.warn(
        `registry ${this.name} answered 200 with ${notJson} (a captive portal or maintenance page?); using the cached index from ${cached!.meta.fetchedAt}`,
      )
      return copy
    }
    const index = parseIndex(res.text, `[GET] "${url}"`)
    // Signature, expiry and rollback (client/trust, only against a pinned key) before anything is written.
    if (this.opts.trust) this.signedBy = (await this.opts.trust.check(index, true)).keyId
    const etag = typeof res.headers.etag === 'string' ? res.headers.etag : undefined
    this.cache.writeIndex(res.text, { url, ...(etag ? { etag } : {}), fetchedAt: new Date().toISOString() })
    return { index, checked: true }
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
