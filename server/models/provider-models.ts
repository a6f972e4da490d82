/**
 * A provider's model list (`GET <baseUrl>/v1/models`, Anthropic's paginated format), fetched the
 * way Claude Code authenticates. The client has its own copy for `doctor --models`: client and
 * server never import each other, and this file is small.
 */
import { CliError } from '../../shared/errors.js'
import { fetchText, HttpFailure } from '../../shared/net/http.js'
import type { AuthVar } from '../../shared/roles.js'

const MAX_PAGES = 50

export interface ListOptions {
  timeoutMs?: number
  fetch?: typeof globalThis.fetch
}

function errorText(json: unknown): string {
  const err = (json as { error?: unknown } | undefined)?.error
  const msg = err && typeof err === 'object' ? (err as { message?: unknown }).message : err
  return typeof msg === 'string' ? `: ${msg.slice(0, 200)}` : ''
}

/** A model list is a few hundred KB; a bigger answer is refused. */
const MAX_LIST_BYTES = 8 * 1024 * 1024

/** ofetch (shared/net/http.ts): retried on 5xx/429 with backoff, proxy-aware, bounded. */
async function getJson(
  url: string,
  headers: Record<string, string>,
  opts: ListOptions,
): Promise<{ status: number; json: unknown }> {
  const timeoutMs = opts.timeoutMs ?? 10_000
  let res
  try {
    // Never followed: fetch would carry the key (`x-api-key`) to whatever origin a redirect names.
    res = await fetchText(url, {
      headers,
      timeoutMs,
      maxBytes: MAX_LIST_BYTES,
      redirects: 'none',
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    })
  } catch (err) {
    if (err instanceof HttpFailure) throw new CliError('E_PROVIDER', err.message)
    throw err
  }
  if (res.status >= 300 && res.status < 400) {
    const to = res.headers.get('location') ?? '?'
    throw new CliError(
      'E_PROVIDER',
      `${new URL(url).host} answered a redirect to ${to.slice(0, 200)}; not following it with the key`,
      1,
      'use the final URL with --provider-url',
    )
  }
  let json: unknown
  try {
    json = JSON.parse(res.text)
  } catch {
    json = undefined
  }
  return { status: res.status, json }
}

/** Every listed model id; throws CliError (one line) when the provider has no list or refuses. */
export async function listProviderModels(
  baseUrl: string,
  auth: AuthVar,
  key: string,
  opts: ListOptions = {},
): Promise<string[]> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'anthropic-version': '2023-06-01',
    ...(auth === 'ANTHROPIC_AUTH_TOKEN' ? { authorization: `Bearer ${key}` } : { 'x-api-key': key }),
  }
  const base = `${baseUrl.replace(/\/+$/, '')}/v1/models`
  const ids: string[] = []
  let after: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const { status, json } = await getJson(
      after ? `${base}?after_id=${encodeURIComponent(after)}` : base,
      headers,
      opts,
    )
    if (status === 401 || status === 403)
      throw new CliError('E_PROVIDER', `the key was rejected (HTTP ${status}${errorText(json)})`)
    if (status === 404 || status === 405)
      throw new CliError('E_PROVIDER', `the provider has no model list (GET /v1/models: HTTP ${status})`)
    if (status < 200 || status >= 300)
      throw new CliError('E_PROVIDER', `GET /v1/models answered HTTP ${status}${errorText(json)}`)
    const data = (json as { data?: unknown } | undefined)?.data
    if (!Array.isArray(data)) throw new CliError('E_PROVIDER', 'GET /v1/models did not answer a model list')
    const pageIds = data
      .map((m) => (m as { id?: unknown } | null)?.id)
      .filter((id): id is string => typeof id === 'string')
    ids.push(...pageIds)
    const { has_more, last_id } = json as { has_more?: unknown; last_id?: unknown }
    const last = typeof last_id === 'string' ? last_id : pageIds.at(-1)
    if (has_more !== true || !last || last === after) break
    after = last
  }
  return ids
}
