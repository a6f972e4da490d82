import type { MiddlewareHandler } from 'hono'
import { safeJson, safeText } from '../../shared/text.js'
import type { AppEnv } from '../env.js'
import type { Metrics } from '../metrics.js'

export type LogFormat = 'json' | 'pretty' | 'none'

export interface RequestLogOptions {
  format: LogFormat
  metrics?: Metrics
  write?: (line: string) => void
}

/**
 * One line per request (JSON for log shippers, or a short human line) and the request counter for
 * /metrics. Paths are logged without their query string, which may carry anything.
 */
export function requestLog({
  format,
  metrics,
  write = (line) => process.stderr.write(line),
}: RequestLogOptions): MiddlewareHandler<AppEnv> {
  return async function requestLogHandler(c, next) {
    const started = performance.now()
    await next()
    const ms = Math.round((performance.now() - started) * 100) / 100
    const route = c.get('route') ?? 'unmatched'
    const status = c.res.status
    metrics?.request(route, c.req.method, status)
    if (format === 'none') return
    const path = c.req.path.length > 300 ? `${c.req.path.slice(0, 300)}…` : c.req.path
    if (format === 'pretty') {
      // The path is decoded (`%0a`, `%1b` become bytes): escaped, or one request forges log lines.
      write(`${safeText(c.req.method)} ${safeText(path)} ${status} ${ms}ms\n`)
      return
    }
    const token = c.get('token')
    write(
      `${safeJson({
        time: new Date().toISOString(),
        method: c.req.method,
        path,
        route,
        status,
        ms,
        ...(token ? { token: token.id } : {}),
      })}\n`,
    )
  }
}
