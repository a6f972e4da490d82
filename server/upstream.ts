import { join } from 'node:path'
import { integrityOfText, jsonTooDeep } from '../shared/digest.js'
import { checkEntry } from '../shared/entry.js'
import { isValidId } from '../shared/ids.js'
import { parseTemplateJson } from '../shared/schema.js'
import type { RegistryIndex, TemplateEntry } from '../shared/types.js'
import { fetchText, HttpFailure, type TextRequest } from '../shared/net/http.js'
import { readIfExists, writeAtomic } from './stores/_files.js'

export interface UpstreamOptions {
  /** Base URL of the upstream registry (the part before `/v1/`). */
  url: string
  /** The upstream index is fetched again at most this often. */
  maxAgeSeconds?: number
  /** Where fetched documents are kept (immutable versions forever, the index with its ETag). */
  cacheDir: string
  timeoutMs?: number
  /** Bearer token for an upstream that needs one for reading (`serve --auth-read` upstream). */
  token?: string
  onFailure?: (reason: string) => void
  fetch?: typeof fetch
}

export interface UpstreamIndex {
  index: RegistryIndex | null
  /** Changes whenever the upstream index content changes; part of the merged index's cache key. */
  stamp: string
  /** True when the last attempt to reach the upstream failed and an older copy (or none) is served. */
  stale: boolean
}

export type UpstreamVersion = { raw: string } | { missing: true } | { unreachable: true }

export interface Upstream {
  readonly url: string
  index(): Promise<UpstreamIndex>
  version(id: string, version: string, integrity?: string): Promise<UpstreamVersion>
}

/** After a failure the upstream is tried again this soon, so recovery shows up quickly. */
const RETRY_MS = 5_000
/** What a mirror reads of an upstream answer, decompressed: a gzip bomb stops here. */
export const MAX_UPSTREAM_INDEX_BYTES = 64 * 1024 * 1024
export const MAX_UPSTREAM_DOCUMENT_BYTES = 1024 * 1024

/**
 * Mirrors another registry the way Verdaccio's uplinks do: its index is refreshed at most every
 * `maxAgeSeconds`, versions are cached on disk forever (they are immutable), and whatever was last
 * fetched keeps being served while the upstream is down.
 */
export function createUpstream(options: UpstreamOptions): Upstream {
  const base = options.url.replace(/\/+$/, '')
  const maxAgeMs = (options.maxAgeSeconds ?? 300) * 1000
  const timeoutMs = options.timeoutMs ?? 5_000
  // ofetch (shared/net/http.ts): retries with backoff on 5xx/429, one deadline per request, the
  // decompressed body capped (a gzip bomb stops there), redirects only within the upstream's origin
  // (the read token never goes elsewhere), and HTTPS_PROXY/NO_PROXY honoured.
  const get = (url: string, headers: Record<string, string>, maxBytes: number) =>
    fetchText(url, {
      headers,
      timeoutMs,
      maxBytes,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    } satisfies TextRequest)
  const indexPath = join(options.cacheDir, 'index.json')
  const etagPath = join(options.cacheDir, 'index.etag')
  const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {}

  let current: { index: RegistryIndex; stamp: string; etag?: string } | null = null
  let loaded = false
  let fetchedAt = 0
  let failedAt = 0
  let inflight: Promise<void> | null = null
  const checked = new Set<string>()

  const fail = (reason: string) => {
    failedAt = Date.now()
    options.onFailure?.(reason)
  }

  async function loadDisk(): Promise<void> {
    if (loaded) return
    loaded = true
    const text = await readIfExists(indexPath).catch(() => null)
    const index = text === null ? null : parseIndex(text)
    if (index && !current) {
      const etag = (await readIfExists(etagPath).catch(() => null))?.trim() || undefined
      current = { index, stamp: integrityOfText(text!), ...(etag ? { etag } : {}) }
    }
  }

  async function refresh(): Promise<void> {
    try {
      const headers: Record<string, string> = { accept: 'application/json', ...auth }
      if (current?.etag) headers['if-none-match'] = current.etag
      const res = await get(`${base}/v1/index.json`, headers, MAX_UPSTREAM_INDEX_BYTES)
      if (res.status === 304 && current) {
        fetchedAt = Date.now()
        failedAt = 0
        return
      }
      if (res.status !== 200) return fail(`index answered ${res.status}`)
      const text = res.text
      const index = parseIndex(text)
      if (!index) return fail('index is not a registry index')
      const etag = res.headers.get('etag') ?? undefined
      current = { index, stamp: integrityOfText(text), ...(etag ? { etag } : {}) }
      fetchedAt = Date.now()
      failedAt = 0
      await writeAtomic(indexPath, text).catch(() => {})
      await writeAtomic(etagPath, `${etag ?? ''}\n`).catch(() => {})
    } catch (error) {
      const kind = error instanceof HttpFailure ? error.kind : undefined
      if (kind === 'too-large') return fail(`index is larger than ${MAX_UPSTREAM_INDEX_BYTES} bytes`)
      fail(kind === 'timeout' ? 'index request timed out' : `index request failed: ${(error as Error).message}`)
    }
  }

  return {
    url: base,

    async index() {
      await loadDisk()
      const now = Date.now()
      const fresh = current && failedAt === 0 && now - fetchedAt < maxAgeMs
      const backingOff = failedAt !== 0 && now - failedAt < Math.min(RETRY_MS, maxAgeMs)
      if (!fresh && !backingOff) {
        inflight ??= refresh().finally(() => (inflight = null))
        await inflight
      }
      return { index: current?.index ?? null, stamp: current?.stamp ?? '', stale: failedAt !== 0 }
    },

    async version(id, version, integrity) {
      const path = join(options.cacheDir, 'templates', ...id.split('/'), `${version}.json`)
      const cached = await readIfExists(path).catch(() => null)
      // Checked again (once per process): it may have been cached by a mirror from before these checks.
      const key = `${id}@${version}\0${integrity ?? ''}`
      if (cached !== null && (checked.has(key) || !documentProblem(cached, id, version, integrity))) {
        checked.add(key)
        return { raw: cached }
      }
      try {
        const res = await get(
          `${base}/v1/templates/${id}/${version}.json`,
          { accept: 'application/json', ...auth },
          MAX_UPSTREAM_DOCUMENT_BYTES,
        )
        if (res.status === 404) return { missing: true }
        if (res.status !== 200) {
          fail(`${id}@${version} answered ${res.status}`)
          return { unreachable: true }
        }
        const raw = res.text
        // A document that does not match the upstream's own index, or our schema, is never cached or served.
        const problem = documentProblem(raw, id, version, integrity)
        if (problem) {
          fail(`${id}@${version} ${problem}`)
          return { unreachable: true }
        }
        await writeAtomic(path, raw).catch(() => {})
        return { raw }
      } catch (error) {
        fail(
          error instanceof HttpFailure && error.kind === 'too-large'
            ? `${id}@${version} is larger than ${MAX_UPSTREAM_DOCUMENT_BYTES} bytes`
            : `${id}@${version} request failed: ${(error as Error).message}`,
        )
        return { unreachable: true }
      }
    },
  }
}

/**
 * The upstream index, keeping only entries that pass the same check a client makes (valid id and
 * versions, tags that name versions, no control or bidi characters): nothing else is ever served.
 */
function parseIndex(text: string): RegistryIndex | null {
  let raw: { formatVersion?: unknown; templates?: unknown }
  try {
    raw = JSON.parse(text) as typeof raw
  } catch {
    return null
  }
  if (
    raw?.formatVersion !== 1 ||
    !raw.templates ||
    typeof raw.templates !== 'object' ||
    Array.isArray(raw.templates) ||
    jsonTooDeep(raw, 16)
  )
    return null
  const templates: Record<string, TemplateEntry> = Object.create(null)
  for (const [id, entry] of Object.entries(raw.templates as Record<string, unknown>)) {
    const checked = isValidId(id) ? checkEntry(id, entry) : undefined
    if (checked && typeof checked !== 'string') templates[id] = checked
  }
  return { formatVersion: 1, templates }
}

/** Why an upstream version document must not be served, or undefined. */
function documentProblem(raw: string, id: string, version: string, integrity: string | undefined): string | undefined {
  let actual: string
  try {
    if (jsonTooDeep(JSON.parse(raw), 8)) return 'nests deeper than a template does'
    actual = integrityOfText(raw)
  } catch {
    return 'is not JSON'
  }
  if (integrity && actual !== integrity) return 'does not match its integrity'
  const parsed = parseTemplateJson(raw)
  if (!parsed.ok)
    return `is not a valid template (${parsed.issues
      .map((i) => `${i.path || '(root)'}: ${i.message}`)
      .join('; ')
      .slice(0, 300)})`
  if (parsed.template.id !== id || parsed.template.version !== version)
    return `is ${parsed.template.id}@${parsed.template.version}`
  return undefined
}
