/** `GET <baseUrl>/v1/models`, Anthropic's paginated list (OpenAI's `{data:[{id}]}` reads the same). */
import type { AuthVar } from '../../shared/roles.js'
import { authHeaders, callProvider, endpoint, statusFailure } from './http.js'

const MAX_PAGES = 50

/** The ids on one page, or null when the answer is not a model list at all. */
function pageIds(json: unknown): { ids: string[]; more: boolean; last?: string } | null {
  const data = (json as { data?: unknown } | undefined)?.data
  if (!Array.isArray(data)) return null
  const ids = data
    .map((m) => (m && typeof m === 'object' ? (m as { id?: unknown }).id : undefined))
    .filter((id): id is string => typeof id === 'string')
  const page = json as { has_more?: unknown; last_id?: unknown }
  const last = typeof page.last_id === 'string' ? page.last_id : ids.at(-1)
  return { ids, more: page.has_more === true, last }
}

/**
 * Every model id the provider lists, or null when it has no model list (404/405, or an answer
 * that is not a list). Throws ProviderCallError for a rejected key, a timeout, a dead host, a 5xx.
 */
export async function listModels(
  baseUrl: string,
  authVar: AuthVar,
  key: string,
  opts: { timeoutMs?: number; fetch?: typeof globalThis.fetch } = {},
): Promise<string[] | null> {
  const headers = authHeaders(authVar, key)
  const ids: string[] = []
  let after: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = endpoint(baseUrl, 'v1/models') + (after ? `?after_id=${encodeURIComponent(after)}` : '')
    const { status, json } = await callProvider(url, { headers }, opts)
    // Gateways without a list answer 404, 405 or 501, a few 400: let --probe take over then.
    if ([400, 404, 405, 501].includes(status)) return page === 0 ? null : ids
    if (status < 200 || status >= 300) throw statusFailure(status, json)
    const parsed = pageIds(json)
    if (!parsed) return page === 0 ? null : ids
    ids.push(...parsed.ids)
    if (!parsed.more || !parsed.last || parsed.last === after) break
    after = parsed.last
  }
  return ids
}
