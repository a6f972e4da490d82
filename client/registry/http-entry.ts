/**
 * One id's entry from its per-id document (`/v1/templates/<id>.json`), so checking three
 * instances costs three small conditional GETs whatever the size of the catalogue. The document is
 * trusted on its own signature (shared/sign-entry.ts, README "Per-id signed entries"); whenever the
 * registry cannot vouch for it that way (no such route: an older server; unsigned although a key
 * is pinned: a server that signs only its index), the caller falls back to the full index.
 */
import { CliError } from '../../shared/errors.js'
import { checkEntry } from '../../shared/entry.js'
import { entryContent } from '../../shared/sign-entry.js'
import { jsonTooDeep } from '../../shared/digest.js'
import { isValidId } from '../../shared/ids.js'
import type { TemplateEntry } from '../../shared/types.js'
import type { EntryCacheRecord, RegistryCache } from '../state/cache.js'
import type { IndexTrust } from '../trust/index-check.js'
import { errorMessage, httpRequest, NetworkError } from './http-get.js'

/** Entries list every version; 10,000 versions is the most one may have (shared/entry.ts). */
const MAX_ENTRY_BYTES = 4 * 1024 * 1024

export interface EntryFetch {
  name: string
  url: string
  cache: RegistryCache
  offline: boolean
  headers: (extra?: Record<string, string>) => Record<string, string>
  /** `once`: a key; a second warning with the same key is not repeated. */
  warn: (message: string, once?: string) => void
  trust?: IndexTrust | undefined
  /** Longest silence allowed on the request (default: http-get's). */
  timeoutMs?: number | undefined
  /** What to do about a refused token (HttpSource.loginHint: names a --token-env variable that is set). */
  loginHint: () => string
}

/** The checked entry (with the key that signed it), or `fallback`: ask the full index instead. */
export type EntryResult = { entry: TemplateEntry; keyId?: string } | 'fallback'

type Parsed = { raw: Record<string, unknown> } | 'fallback'

/**
 * Refusals of a cached copy that mean the copy changed on disk, not that the registry misbehaved
 * (an expired copy is not one: after a 304 the registry still serves it, and that is a freeze).
 */
export const CACHE_DAMAGE = new Set(['E_SIGNATURE', 'E_ROLLBACK', 'E_BAD_INDEX'])

const orFallback = (r: EntryResult | 'damaged'): EntryResult => (r === 'damaged' ? 'fallback' : r)

/** JSON object, not too deep; anything else from the network is an outage or an older server: fall back. */
function parse(text: string): Record<string, unknown> | undefined {
  try {
    const doc = JSON.parse(text) as unknown
    if (doc && typeof doc === 'object' && !Array.isArray(doc) && !jsonTooDeep(doc, 8))
      return doc as Record<string, unknown>
  } catch {}
  return undefined
}

export async function fetchEntry(f: EntryFetch, id: string): Promise<EntryResult> {
  if (!isValidId(id)) return 'fallback'
  const url = `${f.url}/v1/templates/${id}.json`
  const pinned = f.trust?.pinned ?? false
  const read = f.cache.readEntry(id)
  if (read === 'damaged')
    f.warn(
      `the cached entry of ${id} from registry ${f.name} was damaged; dropped it${f.offline ? '' : ' and fetched it again'}`,
    )
  let cached = read === 'damaged' ? undefined : read
  // A copy taken before a key was pinned (or for another URL) proves nothing now.
  if (cached && (cached.url !== url || (pinned && !('signature' in (parse(cached.body) ?? {}))))) {
    f.cache.dropEntry(id)
    cached = undefined
  }
  /**
   * The cached copy, checked again (expiry included: a 304 or an outage must not freeze us on an
   * expired entry). A copy that no longer verifies was changed on disk (the registry vouched for it
   * when it entered the cache): it is dropped, never blamed on the registry, and `'damaged'` tells
   * a revalidation to fetch it again.
   */
  const fromCache = async (why?: string): Promise<EntryResult | 'damaged'> => {
    if (!cached) return 'fallback'
    const raw = parse(cached.body)
    if (!raw) {
      f.cache.dropEntry(id)
      return 'fallback'
    }
    let result: EntryResult
    try {
      result = await accept(f, id, url, raw, false)
    } catch (err) {
      if (!(err instanceof CliError) || !CACHE_DAMAGE.has(err.code)) throw err
      f.cache.dropEntry(id)
      f.warn(
        `the cached entry of ${id} from registry ${f.name} no longer verifies (${err.code}); dropped it${why === undefined && !f.offline ? ' and fetched it again' : ''}`,
      )
      return why === undefined && !f.offline ? 'damaged' : 'fallback'
    }
    // One line per registry and cause, however many of its templates are in use.
    if (why) f.warn(`registry ${f.name} ${why}; using the cached entries (${id} from ${cached.fetchedAt})`, why)
    return result
  }
  if (f.offline) return orFallback(await fromCache())
  let res
  try {
    res = await httpRequest(url, {
      headers: f.headers(cached?.etag ? { 'if-none-match': cached.etag } : {}),
      maxBytes: MAX_ENTRY_BYTES,
      timeoutMs: f.timeoutMs,
    })
  } catch (err) {
    if (!(err instanceof NetworkError)) throw err
    return cached ? orFallback(await fromCache(`unreachable (${err.reason})`)) : 'fallback'
  }
  if (res.status === 304 && cached) {
    const copy = await fromCache()
    // Dropped: asked again without If-None-Match (a second 304 is then a fallback to the index).
    return copy === 'damaged' ? fetchEntry(f, id) : copy
  }
  if (res.status === 401 || res.status === 403)
    throw new CliError('E_AUTH', `[GET] "${url}": ${errorMessage(res)}`, 1, f.loginHint())
  if (res.status >= 500 && cached) return orFallback(await fromCache(`answered ${errorMessage(res)}`))
  // 404: an older server without per-id documents, or no such id. The index tells which.
  if (res.status !== 200) return 'fallback'
  const parsed = pick(parse(res.text), pinned)
  if (parsed === 'fallback') return 'fallback'
  const result = await accept(f, id, url, parsed.raw, true)
  const etag = typeof res.headers.etag === 'string' ? res.headers.etag : undefined
  const rec: EntryCacheRecord = { url, ...(etag ? { etag } : {}), fetchedAt: new Date().toISOString(), body: res.text }
  f.cache.writeEntry(id, rec)
  return result
}

/** An unsigned document while a key is pinned comes from a server that signs only its index. */
function pick(raw: Record<string, unknown> | undefined, pinned: boolean): Parsed {
  if (!raw) return 'fallback'
  if (pinned && (raw.signature === undefined || raw.signature === null)) return 'fallback'
  return { raw }
}

/**
 * Signature, expiry and per-id serial first (nothing is recorded before they pass), then the
 * entry's own shape, as every index entry is checked (shared/entry.ts).
 */
async function accept(
  f: EntryFetch,
  id: string,
  url: string,
  raw: Record<string, unknown>,
  fresh: boolean,
): Promise<EntryResult> {
  const checked = checkEntry(id, entryContent(raw))
  if (typeof checked === 'string') {
    // Checked before the trust record is written; a signed document of another id is refused here.
    throw new CliError(
      'E_BAD_INDEX',
      `registry ${f.name}: the entry of "${id}" at ${url} is invalid (${checked}); refusing it`,
      1,
      'other templates are not affected; tell the registry operator',
    )
  }
  const { keyId } = f.trust ? await f.trust.checkEntry(raw, id, fresh) : {}
  return keyId ? { entry: checked, keyId } : { entry: checked }
}
