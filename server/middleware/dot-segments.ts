import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env.js'
import { badRequest } from '../errors.js'

// `..` and `.` segments, also percent-encoded (`%2e%2e`), as the URL parser would resolve them.
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?=\/|\?|#|$)/i

/**
 * The URL parser resolves `/v1/templates/%2e%2e/x` to `/v1/x` before routing, which would turn a
 * traversal attempt into an innocent 404. Looking at the raw request line (Node only) lets us refuse
 * it as the malformed request it is.
 */
export function rejectDotSegments(): MiddlewareHandler<AppEnv> {
  return async function rejectDotSegmentsHandler(c, next) {
    const raw = (c.env as { incoming?: { url?: string } } | undefined)?.incoming?.url
    if (raw && DOT_SEGMENT.test(raw.split('?')[0]!)) {
      c.set('route', 'bad-path')
      throw badRequest('E_BAD_PATH', 'the path contains "." or ".." segments')
    }
    await next()
  }
}
