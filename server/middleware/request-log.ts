import type { MiddlewareHandler } from 'hono'
import { pino } from 'pino'
import { inertJson, safeText } from '../../shared/text.js'
import type { AppEnv } from '../env.js'
import type { Metrics } from '../metrics.js'

export type LogFormat = 'json' | 'pretty' | 'none'

export interface RequestLogOptions {
  format: LogFormat
  metrics?: Metrics
  /** Receives each line at once (tests); without it lines go to stderr through a buffer. */
  write?: (line: string) => void
}

const PRINTABLE = /^[\x20-\x7e]*$/

/** pino's ISO timestamp, formatted once per millisecond rather than once per line. */
let lastMs = 0
let lastTime = ''
function isoTime(): string {
  const now = Date.now()
  if (now !== lastMs) {
    lastMs = now
    lastTime = `,"time":"${new Date(now).toISOString()}"`
  }
  return lastTime
}

/** Buffered stderr is written out at least this often, so a quiet server's last lines still show up promptly. */
const FLUSH_MS = 50
/** Lines are gathered until this many bytes before one write(2): one syscall per request was the log's whole cost. */
const BUFFER_BYTES = 8 * 1024
/**
 * Most bytes held while stderr is not being read (a stalled log shipper, a terminal paused with
 * Ctrl-S): past it lines are dropped and counted, never buffered without end. Unbounded, 400k
 * requests against a blocked stderr took the server from 79 to 270 MB (and on to the OOM killer).
 */
const MAX_BUFFERED_BYTES = 1024 * 1024

export type RequestLogHandler = MiddlewareHandler<AppEnv> & {
  flush(): void
  /** `started` is a `performance.now()` reading taken when the request arrived. */
  record(method: string, path: string, route: string, status: number, started: number, token?: string): void
}

/**
 * One line per request (JSON through pino for log shippers, or a short human line) and the request
 * counter for /metrics. Paths are logged without their query string, which may carry anything.
 */
export function requestLog({ format, metrics, write }: RequestLogOptions): RequestLogHandler {
  const sink = format === 'none' ? undefined : write ? { write } : stderrBuffer(format)
  // The path is decoded (`%0a`, `%1b`, `%e2%80%ae` become characters): pino escapes C0 inside JSON
  // strings, and `inertJson` the rest (DEL, C1, bidi), so a line read on a terminal stays inert. That
  // pass over the line cost as much as the rest of the logging, so only lines whose path is not
  // plain printable ASCII (nothing else in a line comes from the request) go through it.
  const options = { base: null, timestamp: isoTime, formatters: { level: (label: string) => ({ level: label }) } }
  const logger = format === 'json' && sink ? pino(options, sink) : undefined
  const escaping = format === 'json' && sink ? pino({ ...options, hooks: { streamWrite: inertJson } }, sink) : undefined

  /** Counts and logs one answered request; also called by the fast path, which bypasses the middleware. */
  const record = (method: string, fullPath: string, route: string, status: number, started: number, token?: string) => {
    const ms = Math.round((performance.now() - started) * 100) / 100
    metrics?.request(route, method, status)
    if (!sink) return
    const path = fullPath.length > 300 ? `${fullPath.slice(0, 300)}…` : fullPath
    if (logger && escaping) {
      const target = PRINTABLE.test(path) ? logger : escaping
      target.info(token ? { method, path, route, status, ms, token } : { method, path, route, status, ms })
      return
    }
    // Pretty: the same escaping as every other terminal line, or one request forges log lines.
    sink.write(`${safeText(method)} ${safeText(path)} ${status} ${ms}ms\n`)
  }

  const handler = async function requestLogHandler(c: Parameters<RequestLogHandler>[0], next: () => Promise<void>) {
    const started = performance.now()
    await next()
    record(c.req.method, c.req.path, c.get('route') ?? 'unmatched', c.res.status, started, c.get('token')?.id)
  }
  return Object.assign(handler, {
    record,
    flush() {
      const s = sink as { flushSync?: () => void } | undefined
      try {
        s?.flushSync?.()
      } catch {
        // A write already in flight; pino's exit hook writes the rest.
      }
    },
  })
}

/**
 * stderr through pino's buffered writer (sonic-boom), flushed on a timer and at exit, holding at
 * most MAX_BUFFERED_BYTES. Dropped lines are counted, and once stderr drains one line says how many.
 */
function stderrBuffer(format: 'json' | 'pretty') {
  const dest = pino.destination({ dest: 2, sync: false, minLength: BUFFER_BYTES, maxLength: MAX_BUFFERED_BYTES })
  let dropped = 0
  const NOTE = 'request log lines dropped: stderr was not being read'
  dest.on('drop', (data: string | Buffer) => {
    const text = String(data)
    // A note that was itself dropped puts its count back.
    const noted = text.includes(NOTE) ? Number(/(\d+) request log lines/.exec(text)?.[1] ?? 0) : 0
    dropped += noted || text.split('\n').filter(Boolean).length
  })
  setInterval(() => {
    if (dropped) {
      const n = dropped
      dropped = 0
      const msg = `${n} ${NOTE}`
      dest.write(format === 'json' ? `{"level":"warn"${isoTime()},"msg":"${msg}"}\n` : `${msg}\n`)
    }
    try {
      dest.flush()
    } catch {}
  }, FLUSH_MS).unref()
  return dest
}
