/**
 * One HTTP call to a provider, made the way Claude Code makes it, with every way it can go wrong
 * turned into a one-line reason (never a stack): timeout, unreachable host, TLS, bad JSON.
 */
import type { AuthVar } from '../../shared/roles.js'
import type { HttpFailureKind } from '../../shared/net/http.js'
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

/** A model list is a few hundred KB at most; a bigger answer is refused. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024

const KIND: Record<HttpFailureKind, CheckFailure> = {
  'bad-url': 'bad-url',
  timeout: 'timeout',
  network: 'network',
  'too-large': 'http',
  redirect: 'redirect',
}

/**
 * One call through shared/net/http.ts (ofetch): GETs are retried on 5xx/429, a probe (POST, it
 * costs tokens) never is; redirects are followed only within the origin, so the key
 * (`x-api-key`/`authorization`) never reaches another host.
 */
export async function callProvider(
  url: string,
  init: { method?: string; headers: Record<string, string>; body?: unknown },
  opts: { timeoutMs?: number; fetch?: typeof globalThis.fetch } = {},
): Promise<ProviderAnswer> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const headers: Record<string, string> = { ...init.headers, accept: 'application/json' }
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  // ofetch is loaded by the commands that call providers, never by the sync hot path.
  const { fetchText, HttpFailure } = await import('../../shared/net/http.js')
  try {
    const res = await fetchText(url, {
      method: init.method ?? 'GET',
      headers,
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      timeoutMs,
      maxBytes: MAX_ANSWER_BYTES,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    })
    let json: unknown
    try {
      json = res.text ? JSON.parse(res.text) : undefined
    } catch {
      json = undefined
    }
    return { status: res.status, json }
  } catch (err) {
    if (!(err instanceof HttpFailure)) throw err
    if (err.kind === 'bad-url') throw new ProviderCallError('bad-url', `the base URL is not a valid URL: ${url}`)
    if (err.kind === 'timeout') throw new ProviderCallError('timeout', `${err.message} (raise it with --timeout)`)
    throw new ProviderCallError(
      KIND[err.kind],
      err.kind === 'too-large' ? "the provider's answer is larger than 8 MB" : err.message,
    )
  }
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
