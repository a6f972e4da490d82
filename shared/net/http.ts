/**
 * Every request off the hot path (provider checks, registry writes, the mirror's upstream, `watch`)
 * goes through here: ofetch for retries with backoff on idempotent requests (5xx, 408, 429 with
 * Retry-After) and timeouts, plus what ofetch leaves to us: one overall deadline for all attempts
 * and the body, a cap on the decompressed body, redirects followed only within the origin (a key
 * in `authorization` or `x-api-key` never travels to another host), the proxy the environment
 * names, and one error shape, HttpFailure.
 *
 * The hot path (`sync --check`, `outdated`, `sync`) does not use this: one ofetch GET costs 2.9×
 * the CPU of a node:http GET for the whole process (README, "HTTP stacks").
 */
import { createFetch, FetchError } from 'ofetch'
import { proxyConfigured } from './proxy-env.js'
import { describeNetworkCode, NETWORK_REASONS } from '../net-reasons.js'

export type HttpFailureKind = 'bad-url' | 'timeout' | 'network' | 'too-large' | 'redirect'

/** A request that got no usable answer; `message` is one line naming the host, never a stack. */
export class HttpFailure extends Error {
  constructor(
    readonly kind: HttpFailureKind,
    readonly url: string,
    message: string,
    /** The system error code (ECONNREFUSED, CERT_HAS_EXPIRED...), when there is one. */
    readonly code?: string,
  ) {
    super(message)
    this.name = 'HttpFailure'
  }
}

export interface TextRequest {
  method?: string
  headers?: Record<string, string>
  body?: string
  /** Overall deadline: every attempt, every wait between attempts and the whole body. */
  timeoutMs: number
  /** Largest decompressed body read; a bigger one is a `too-large` failure. */
  maxBytes: number
  /** Extra attempts on 408/429/5xx or a network error; default 2 for GET/HEAD, 0 for anything else. */
  retries?: number
  /** `same-origin` (default): followed within the origin, a cross-origin one fails. `none`: returned as the answer. */
  redirects?: 'same-origin' | 'none'
  /** A stand-in for fetch (tests); the proxy-aware fetch when not given. */
  fetch?: typeof globalThis.fetch
}

export interface TextAnswer {
  status: number
  headers: Headers
  text: string
  /** The URL that answered (after same-origin redirects). */
  url: string
}

const RETRY_STATUS = [408, 429, 500, 502, 503, 504]
const MAX_HOPS = 5
/** Longest wait a Retry-After may ask for; the deadline still bounds the total. */
const MAX_RETRY_WAIT_MS = 10_000

const hostOf = (url: string) => {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), or undefined. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

let baseFetch: Promise<typeof globalThis.fetch> | undefined
/** Plain fetch unless a proxy variable is set; then the proxy module is loaded, once. */
function defaultFetch(): Promise<typeof globalThis.fetch> {
  baseFetch ??= proxyConfigured()
    ? import('./proxy-fetch.js').then((m) => m.proxiedFetch)
    : Promise.resolve(globalThis.fetch)
  return baseFetch
}

/** One request with ofetch, its body read as text within `maxBytes`, every failure an HttpFailure. */
export async function fetchText(url: string, req: TextRequest): Promise<TextAnswer> {
  let origin: string
  try {
    origin = new URL(url).origin
  } catch {
    throw new HttpFailure('bad-url', url, `not a valid URL: ${url.slice(0, 200)}`)
  }
  const method = (req.method ?? 'GET').toUpperCase()
  const retries = req.retries ?? (method === 'GET' || method === 'HEAD' ? 2 : 0)
  const signal = AbortSignal.timeout(req.timeoutMs)
  const started = Date.now()
  const $fetch = createFetch({ fetch: req.fetch ?? (await defaultFetch()) })
  let target = url
  for (let hops = 0; ; hops++) {
    let res: Response
    try {
      res = await $fetch.raw(target, {
        method,
        headers: req.headers ?? {},
        ...(req.body !== undefined ? { body: req.body } : {}),
        signal,
        redirect: 'manual',
        responseType: 'stream',
        retry: retries,
        retryStatusCodes: RETRY_STATUS,
        retryDelay: (ctx) => {
          // The answer being retried is dropped unread; its connection goes back to the pool.
          ctx.response?.body?.cancel().catch(() => {})
          const attempt = retries - (typeof ctx.options.retry === 'number' ? ctx.options.retry : retries)
          const asked =
            ctx.response?.status === 429 || ctx.response?.status === 503
              ? retryAfterMs(ctx.response.headers.get('retry-after'))
              : undefined
          const left = req.timeoutMs - (Date.now() - started)
          return Math.max(0, Math.min(asked ?? 250 * 2 ** attempt, MAX_RETRY_WAIT_MS, left))
        },
      })
    } catch (err) {
      // Out of retries on a 5xx/429: that answer is still an answer, for the caller to judge.
      const answered = err instanceof FetchError ? (err.response as Response | undefined) : undefined
      if (answered) res = answered
      else throw failure(err, target, req.timeoutMs, signal)
    }
    const location = res.headers.get('location')
    if (req.redirects !== 'none' && res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel().catch(() => {})
      const next = new URL(location, target)
      if (next.origin !== origin)
        throw new HttpFailure(
          'redirect',
          url,
          `${hostOf(url)} redirected to ${next.origin}; not following it with your key`,
        )
      if (hops >= MAX_HOPS)
        throw new HttpFailure('redirect', url, `${hostOf(url)} redirected more than ${MAX_HOPS} times`)
      target = next.href
      continue
    }
    try {
      return {
        status: res.status,
        headers: res.headers,
        text: await boundedText(res, req.maxBytes, target),
        url: target,
      }
    } catch (err) {
      throw err instanceof HttpFailure ? err : failure(err, target, req.timeoutMs, signal)
    }
  }
}

/** The body, decompressed as fetch reads it, cut off (never buffered) past `max` bytes. */
async function boundedText(res: Response, max: number, url: string): Promise<string> {
  const tooLarge = () =>
    new HttpFailure('too-large', url, `the answer from ${hostOf(url)} is larger than ${max} bytes; refusing it`)
  if (Number(res.headers.get('content-length')) > max && !res.headers.get('content-encoding')) {
    await res.body?.cancel().catch(() => {})
    throw tooLarge()
  }
  const body = res.body as ReadableStream<Uint8Array> | null
  if (!body) return ''
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.length
    if (size > max) {
      await reader.cancel().catch(() => {})
      throw tooLarge()
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** The innermost error code of a fetch failure (fetch → TypeError → cause → cause...). */
function codeOf(err: unknown): string | undefined {
  for (
    let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e.code === 'string') return e.code
  }
  return undefined
}

function failure(err: unknown, url: string, timeoutMs: number, signal: AbortSignal): HttpFailure {
  const host = hostOf(url)
  const code = codeOf(err)
  const names = [(err as Error)?.name, ((err as { cause?: Error })?.cause as Error | undefined)?.name]
  if (
    signal.aborted ||
    names.includes('TimeoutError') ||
    names.includes('AbortError') ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT'
  )
    return new HttpFailure('timeout', url, `no answer from ${host} within ${Math.round(timeoutMs / 100) / 10} s`, code)
  if (code && NETWORK_REASONS[code])
    return new HttpFailure('network', url, `could not reach ${host}: ${describeNetworkCode(code)}`, code)
  if (code && /CERT|SSL|TLS|SIGNATURE/.test(code))
    return new HttpFailure(
      'network',
      url,
      `could not reach ${host}: TLS certificate problem (${code}); a private CA goes in NODE_EXTRA_CA_CERTS`,
      code,
    )
  let inner = err as { message?: string; cause?: unknown }
  while (inner?.cause && typeof inner.cause === 'object') inner = inner.cause as typeof inner
  return new HttpFailure(
    'network',
    url,
    `could not reach ${host}: ${String(inner?.message ?? err)
      .split('\n')[0]!
      .slice(0, 200)}`,
    code,
  )
}
