import type { IncomingMessage } from 'node:http'
import { acceptsGzip, etagMatches, type PreparedDocument } from './http-cache.js'
import type { IndexService } from './index-service.js'
import type { RequestLogHandler } from './middleware/request-log.js'

/** Version documents remembered for the fast path; each is a few KB, and a miss only means the routed path. */
const REMEMBERED = 4096

const VERSION_ROUTE = '/v1/templates/:id/:version'

/**
 * The two documents every client and CDN asks for most — the index and immutable version
 * documents — answered before routing, synchronously, from bytes and headers prepared once.
 * Going through the router and the middleware chain (three async layers) cost a third of the
 * throughput of a bare app serving the same bytes. Anything not already prepared, or any
 * request this path cannot answer exactly as the routes would (HEAD, a query of index and
 * stale data from an upstream, read auth), falls through to the routes.
 *
 * Only canonical paths are remembered (`/v1/templates/<id>/<version>.json`, ids and versions
 * already validated by the route), so an exact match cannot be a dot-segment or encoded variant.
 */
export function createFastPath(index: IndexService, log: RequestLogHandler) {
  const versions = new Map<string, PreparedDocument>()

  return {
    /** Called by the version route once it has served a document of our own store. */
    remember(id: string, version: string, doc: PreparedDocument): void {
      const key = `/v1/templates/${id}/${version}.json`
      if (versions.has(key)) return
      if (versions.size >= REMEMBERED) versions.delete(versions.keys().next().value as string)
      versions.set(key, doc)
    },

    /** A Response when this request is one of ours and ready, else undefined (route it). */
    answer(request: Request, env: unknown): Response | undefined {
      if (request.method !== 'GET') return undefined
      const started = performance.now()
      // Under @hono/node-server the Node request is at hand: its url and header object are already
      // parsed, where `request.headers` would first build a Headers copy of every header.
      const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming
      const header = (name: string): string | undefined =>
        incoming ? (incoming.headers[name] as string | undefined) : (request.headers.get(name) ?? undefined)
      const raw = incoming?.url ?? pathOf(request.url)
      const q = raw.indexOf('?')
      const path = q === -1 ? raw : raw.slice(0, q)
      let doc: PreparedDocument | undefined
      let matchTag: string | undefined
      let route: string
      if (path === '/v1/index.json') {
        const built = index.peek()
        if (!built) return undefined
        const gzip = built.bytes.byteLength >= 1024 && acceptsGzip(header('accept-encoding'))
        doc = gzip ? built.gzipReady : built.prepared
        if (!doc) return undefined
        matchTag = built.etag
        route = '/v1/index.json'
      } else {
        doc = versions.get(path)
        if (!doc) return undefined
        route = VERSION_ROUTE
      }
      const fresh = etagMatches(header('if-none-match'), matchTag ?? doc.etag)
      const response = fresh
        ? new Response(null, { status: 304, headers: doc.notModified })
        : new Response(doc.bytes as Uint8Array<ArrayBuffer>, { status: 200, headers: doc.ok })
      log.record('GET', path, route, fresh ? 304 : 200, started)
      return response
    },
  }
}

export type FastPath = ReturnType<typeof createFastPath>

function pathOf(url: string): string {
  try {
    const u = new URL(url)
    return u.pathname + u.search
  } catch {
    return ''
  }
}
