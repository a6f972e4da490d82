import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import { indexText, makeIndex } from '../shared/catalogue.js'
import { etagOf, integrityOfText } from '../shared/digest.js'
import { isValidId, scopeOf } from '../shared/ids.js'
import type { RegistryIndex, TemplateEntry } from '../shared/types.js'
import { gzipEtag, IMMUTABLE_CACHE, INDEX_CACHE, prepareDocument, type PreparedDocument } from './http-cache.js'
import { mapLimit } from './map-limit.js'
import type { Store } from './stores/types.js'
import type { Upstream } from './upstream.js'

const gzipAsync = promisify(gzip)
const VARY = { Vary: 'Accept-Encoding' }
/** Store reads in flight while building the index (a PostgreSQL pool or the fs threads are the limit anyway). */
const READ_CONCURRENCY = 32

/** Runs on the assembled index right before it is serialized: the one place signing hooks in. */
export type FinalizeIndex = (index: RegistryIndex) => RegistryIndex | Promise<RegistryIndex>

export interface IndexServiceOptions {
  store: Store
  upstream?: Upstream
  finalize?: FinalizeIndex
  /** Rebuild (and so re-finalize, e.g. re-sign before `expires`) at least this often, in ms. */
  maxAgeMs?: number
}

export interface ServedIndex {
  index: RegistryIndex
  /** The exact bytes served for `/v1/index.json` (and written by `build`), encoded once per build. */
  bytes: Uint8Array
  etag: string
  /** The same bytes gzip-compressed, made on first demand and kept with this build. */
  gzip(): Promise<Uint8Array>
  /** Both representations with their response headers, made once per build. */
  prepared: PreparedDocument
  gzipPrepared(): Promise<PreparedDocument>
  /** Set once the gzip representation is made, so the fast path can use it without waiting. */
  gzipReady?: PreparedDocument
  /** Set when part of the index comes from an upstream that could not be reached just now. */
  stale: boolean
}

/** A version document: its text (for the pages), and its bytes with headers prepared (immutable, so made once). */
export type ServedVersion =
  | { raw: string; etag: string; prepared: PreparedDocument; stale?: boolean }
  | { unreachable: true }
  | null

interface Built extends ServedIndex {
  builtAt: number
  upstreamStamp: string
  /** Ids and scopes that are ours: they never come from, or go to, the upstream. */
  localIds: Set<string>
  ownScopes: Set<string>
}

export const entryText = (entry: TemplateEntry): string => JSON.stringify(entry)

/**
 * Builds `/v1/index.json` from the store (plus the upstream when mirroring), keeps it in memory and
 * drops it whenever the store reports a change, so replicas never serve an index older than a change
 * they were told about.
 */
export function createIndexService({ store, upstream, finalize, maxAgeMs }: IndexServiceOptions) {
  let cache: Built | null = null
  // Published versions never change, so their bytes and ETag can be kept; only our own (the
  // upstream's have their disk cache), and only a bounded number of them.
  const versions = createLru<{ raw: string; etag: string; prepared: PreparedDocument }>(VERSION_CACHE_ENTRIES)
  let generation = 0
  let inflight: { key: string; promise: Promise<Built> } | null = null
  const unsubscribe = store.onChange(() => {
    generation++
    cache = null
  })

  async function build(upstreamState: Awaited<ReturnType<Upstream['index']>> | null): Promise<Built> {
    const ids = await store.listIds()
    const entries = (await mapLimit(ids, READ_CONCURRENCY, (id) => store.getEntry(id))).filter(
      (e): e is TemplateEntry => e !== null,
    )
    const localIds = new Set(ids)
    const ownScopes = new Set(ids.flatMap((id) => scopeOf(id) ?? []))
    for (const token of await store.listTokens().catch(() => [])) {
      for (const pattern of token.scopes) {
        const scope = pattern.startsWith('@') ? pattern.slice(0, pattern.indexOf('/')) : undefined
        if (scope) ownScopes.add(scope)
      }
    }
    const merged = [...entries]
    for (const [id, entry] of Object.entries(upstreamState?.index?.templates ?? {})) {
      const scope = scopeOf(id)
      if (!isValidId(id) || !isEntry(entry) || entry.id !== id || localIds.has(id) || (scope && ownScopes.has(scope)))
        continue
      merged.push(entry)
    }
    let index = makeIndex(merged)
    if (finalize) index = await finalize(index)
    const text = indexText(index)
    const bytes = Buffer.from(text)
    const etag = etagOf(text)
    let gzipped: Promise<Uint8Array> | undefined
    let gzipPrepared: Promise<PreparedDocument> | undefined
    const gzip = () => (gzipped ??= gzipAsync(bytes, { level: 6 }))
    const built: Built = {
      builtAt: Date.now(),
      index,
      bytes,
      gzip,
      prepared: prepareDocument(bytes, etag, INDEX_CACHE, VARY),
      gzipPrepared: () =>
        (gzipPrepared ??= gzip().then(
          (gz) =>
            (built.gzipReady = prepareDocument(gz, gzipEtag(etag), INDEX_CACHE, {
              ...VARY,
              'Content-Encoding': 'gzip',
            })),
        )),
      etag,
      stale: upstreamState?.stale ?? false,
      upstreamStamp: upstreamState?.stamp ?? '',
      localIds,
      ownScopes,
    }
    return built
  }

  async function current(): Promise<Built> {
    const upstreamState = upstream ? await upstream.index() : null
    const stamp = upstreamState?.stamp ?? ''
    const fresh = cache && (maxAgeMs === undefined || Date.now() - cache.builtAt < maxAgeMs)
    if (cache && fresh && cache.upstreamStamp === stamp) return { ...cache, stale: upstreamState?.stale ?? false }
    // Concurrent requests on a cold cache share one build instead of each building the index.
    const key = `${generation}\n${stamp}`
    if (inflight?.key !== key) {
      const startedAt = generation
      const promise = build(upstreamState).then((built) => {
        // A change that landed while building would be lost if this result were kept.
        if (startedAt === generation) cache = built
        return built
      })
      inflight = { key, promise }
      void promise.then(
        () => inflight?.promise === promise && (inflight = null),
        () => inflight?.promise === promise && (inflight = null),
      )
    }
    return inflight.promise
  }

  return {
    getIndex: (): Promise<ServedIndex> => current(),

    /** The built index when it can be answered without waiting: built, fresh, and no upstream to ask. */
    peek(): ServedIndex | undefined {
      if (upstream || !cache) return undefined
      return maxAgeMs === undefined || Date.now() - cache.builtAt < maxAgeMs ? cache : undefined
    },

    /** One id's entry: ours from the store (always fresh), an upstream one from the merged index. */
    async getEntry(id: string): Promise<{ entry: TemplateEntry; stale: boolean } | null> {
      const local = await store.getEntry(id)
      if (local) return { entry: local, stale: false }
      if (!upstream) return null
      const built = await current()
      const entry =
        built.localIds.has(id) || !Object.hasOwn(built.index.templates, id) ? undefined : built.index.templates[id]
      return entry ? { entry, stale: built.stale } : null
    },

    async getVersion(id: string, version: string): Promise<ServedVersion> {
      const key = `${id}@${version}`
      const hit = versions.get(key)
      if (hit) return hit
      const raw = await store.getVersion(id, version)
      if (raw !== null) return versions.set(key, versionDoc(raw))
      if (!upstream) return null
      if (await store.getEntry(id)) return null
      const built = await current()
      const scope = scopeOf(id)
      if (built.localIds.has(id) || (scope && built.ownScopes.has(scope))) return null
      const upstreamEntry = Object.hasOwn(built.index.templates, id) ? built.index.templates[id]! : undefined
      const known =
        upstreamEntry && Object.hasOwn(upstreamEntry.versions, version) ? upstreamEntry.versions[version] : undefined
      if (!known) return null
      const got = await upstream.version(id, version, known.integrity)
      if ('raw' in got) return { ...versionDoc(got.raw), stale: built.stale }
      return 'unreachable' in got ? { unreachable: true } : null
    },

    invalidate() {
      generation++
      cache = null
    },

    close() {
      unsubscribe()
    },
  }
}

export type IndexService = ReturnType<typeof createIndexService>

const VERSION_CACHE_ENTRIES = 4096

/** A tiny LRU on Map's insertion order. */
function createLru<T>(limit: number) {
  const map = new Map<string, T>()
  return {
    get(key: string): T | undefined {
      const value = map.get(key)
      if (value !== undefined) {
        map.delete(key)
        map.set(key, value)
      }
      return value
    },
    set(key: string, value: T): T {
      map.set(key, value)
      if (map.size > limit) map.delete(map.keys().next().value as string)
      return value
    },
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v)

/** An upstream is trusted for content, not for shape: a malformed entry is skipped, never served. */
function isEntry(entry: unknown): entry is TemplateEntry {
  return (
    isObject(entry) &&
    typeof entry.id === 'string' &&
    typeof entry.name === 'string' &&
    isObject(entry['dist-tags']) &&
    isObject(entry.versions)
  )
}

/** A version's ETag is its integrity, so it never changes for the life of the version. */
function versionEtag(raw: string): string {
  try {
    return `"${integrityOfText(raw)}"`
  } catch {
    return etagOf(raw)
  }
}

function versionDoc(raw: string): { raw: string; etag: string; prepared: PreparedDocument } {
  const etag = versionEtag(raw)
  return { raw, etag, prepared: prepareDocument(Buffer.from(raw), etag, IMMUTABLE_CACHE) }
}
