/**
 * One HTTP call to a provider, made the way Claude Code makes it, with every way it can go wrong
 * turned into a one-line reason (never a stack): timeout, unreachable host, TLS, bad JSON.
 */
import type { AuthVar } from '../../shared/roles.js'
import type { CheckFailure } from './types.js'

export const ANTHROPIC_VERSION = '2023-06-01'
export const DEFAULT_TIMEOUT_MS = 10_000

export class ProviderCallError extends Error {
  constructor(
    readonly kind: CheckFailure,
    message: string,
  ) {
    super(message)
  }
}

export interface ProviderAnswer {
  status: number
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown
}

/** Claude Code sends ANTHROPIC_AUTH_TOKEN as a bearer token and ANTHROPIC_API_KEY as `x-api-key`. */
export function authHeaders(authVar: AuthVar, key: string): Record<string, string> {
  return authVar === 'ANTHROPIC_AUTH_TOKEN'
    ? { 'anthropic-version': ANTHROPIC_VERSION, authorization: `Bearer ${key}` }
    : { 'anthropic-version': ANTHROPIC_VERSION, 'x-api-key': key }
}

/** `https://api.z.ai/api/anthropic/` + `v1/models`, as the Anthropic SDK joins its base URL. */
export function endpoint(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
}

export const hostOf = (url: string): string => {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed',
}

function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause
  const code = cause?.code ?? (err as { code?: string }).code
  if (code && NETWORK_REASONS[code]) return `${NETWORK_REASONS[code]} (${code})`
  if (code && /CERT|SSL|TLS|SIGNATURE/.test(code)) return `TLS certificate problem (${code})`
  return (cause?.message ?? (err as Error).message ?? String(err)).split('\n')[0]!
}

export async function callProvider(
  url: string,
  init: { method?: string; headers: Record<string, string>; body?: unknown },
  opts: { timeoutMs?: number; fetch?: typeof globalThis.fetch } = {},
): Promise<ProviderAnswer> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const doFetch = opts.fetch ?? globalThis.fetch
  const headers: Record<string, string> = { ...init.headers, accept: 'application/json' }
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  try {
    new URL(url)
  } catch {
    throw new ProviderCallError('bad-url', `the base URL is not a valid URL: ${url}`)
  }
  try {
    const signal = AbortSignal.timeout(timeoutMs)
    let target = url
    let res: Response
    // Redirects are followed by hand, and only on the same origin: fetch would carry our
    // `x-api-key` to wherever a provider (or whoever answers for it) points.
    for (let hops = 0; ; hops++) {
      res = await doFetch(target, {
        method: init.method ?? 'GET',
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal,
        redirect: 'manual',
      })
      const location = res.headers.get('location')
      if (![301, 302, 303, 307, 308].includes(res.status) || !location) break
      const next = new URL(location, target)
      if (next.origin !== new URL(url).origin)
        throw new ProviderCallError(
          'redirect',
          `${hostOf(url)} redirected to ${next.origin}; not following it with your key`,
        )
      if (hops >= 5) throw new ProviderCallError('redirect', `${hostOf(url)} redirected more than 5 times`)
      target = next.href
    }
    const text = await boundedText(res, MAX_ANSWER_BYTES)
    let json: unknown
    try {
      json = text ? JSON.parse(text) : undefined
    } catch {
      json = undefined
    }
    return { status: res.status, json }
  } catch (err) {
    if (err instanceof ProviderCallError) throw err
    const name = (err as { name?: string }).name
    const code = (err as { cause?: { code?: string } }).cause?.code
    if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_CONNECT_TIMEOUT') {
      throw new ProviderCallError(
        'timeout',
        `no answer from ${hostOf(url)} within ${seconds(timeoutMs)} (raise it with --timeout)`,
      )
    }
    throw new ProviderCallError('network', `could not reach ${hostOf(url)}: ${networkReason(err)}`)
  }
}

/** A model list is a few hundred KB at most; a bigger answer is cut (and then is not JSON). */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024

async function boundedText(res: Response, max: number): Promise<string> {
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.length
    if (size > max) {
      await reader.cancel()
      throw new ProviderCallError('http', `the provider's answer is larger than ${max} bytes`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** The provider's own error text: Anthropic's `{error:{message}}`, or the common variants. */
export function providerMessage(json: unknown): string | undefined {
  if (!json || typeof json !== 'object') return undefined
  const j = json as Record<string, unknown>
  const err = j.error
  const raw = (err && typeof err === 'object' ? (err as Record<string, unknown>).message : err) ?? j.message ?? j.detail
  if (typeof raw !== 'string' || !raw.trim()) return undefined
  const line = raw.replace(/\s+/g, ' ').trim()
  return line.length > 200 ? `${line.slice(0, 197)}...` : line
}

/** One line for an answer that stops the check (401/403, 5xx, ...). */
export function statusFailure(status: number, json: unknown): ProviderCallError {
  const said = providerMessage(json)
  const detail = said ? `HTTP ${status}: ${said}` : `HTTP ${status}`
  if (status === 401 || status === 403) return new ProviderCallError('auth', `the key was rejected (${detail})`)
  return new ProviderCallError('http', `the provider answered ${detail}`)
}
