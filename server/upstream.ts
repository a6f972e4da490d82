import { join } from 'node:path'
import { integrityOfText } from '../shared/digest.js'
import type { RegistryIndex } from '../shared/types.js'
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

/**
 * Mirrors another registry the way Verdaccio's uplinks do: its index is refreshed at most every
 * `maxAgeSeconds`, versions are cached on disk forever (they are immutable), and whatever was last
 * fetched keeps being served while the upstream is down.
 */
export function createUpstream(options: UpstreamOptions): Upstream {
  const base = options.url.replace(/\/+$/, '')
  const maxAgeMs = (options.maxAgeSeconds ?? 300) * 1000
  const timeoutMs = options.timeoutMs ?? 5_000
  const doFetch = options.fetch ?? fetch
  const indexPath = join(options.cacheDir, 'index.json')
  const etagPath = join(options.cacheDir, 'index.etag')
  const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {}

  let current: { index: RegistryIndex; stamp: string; etag?: string } | null = null
  let loaded = false
  let fetchedAt = 0
  let failedAt = 0
  let inflight: Promise<void> | null = null

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
      const res = await doFetch(`${base}/v1/index.json`, { headers, signal: AbortSignal.timeout(timeoutMs) })
      if (res.status === 304 && current) {
        fetchedAt = Date.now()
        failedAt = 0
        return
      }
      if (res.status !== 200) return fail(`index answered ${res.status}`)
      const text = await res.text()
      const index = parseIndex(text)
      if (!index) return fail('index is not a registry index')
      const etag = res.headers.get('etag') ?? undefined
      current = { index, stamp: integrityOfText(text), ...(etag ? { etag } : {}) }
      fetchedAt = Date.now()
      failedAt = 0
      await writeAtomic(indexPath, text).catch(() => {})
      await writeAtomic(etagPath, `${etag ?? ''}\n`).catch(() => {})
    } catch (error) {
      fail((error as Error).name === 'TimeoutError' ? 'index request timed out' : `index request failed: ${(error as Error).message}`)
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
      if (cached !== null) return { raw: cached }
      try {
        const res = await doFetch(`${base}/v1/templates/${id}/${version}.json`, {
          headers: { accept: 'application/json', ...auth },
          signal: AbortSignal.timeout(timeoutMs),
        })
        if (res.status === 404) return { missing: true }
        if (res.status !== 200) {
          fail(`${id}@${version} answered ${res.status}`)
          return { unreachable: true }
        }
        const raw = await res.text()
        let actual: string
        try {
          actual = integrityOfText(raw)
        } catch {
          fail(`${id}@${version} is not JSON`)
          return { unreachable: true }
        }
        // A document that does not match the upstream's own index is never cached or served.
        if (integrity && actual !== integrity) {
          fail(`${id}@${version} does not match its integrity`)
          return { unreachable: true }
        }
        await writeAtomic(path, raw).catch(() => {})
        return { raw }
      } catch (error) {
        fail(`${id}@${version} request failed: ${(error as Error).message}`)
        return { unreachable: true }
      }
    },
  }
}

function parseIndex(text: string): RegistryIndex | null {
  try {
    const index = JSON.parse(text) as RegistryIndex
    if (index?.formatVersion !== 1 || !index.templates || typeof index.templates !== 'object') return null
    return index
  } catch {
    return null
  }
}
