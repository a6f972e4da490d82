/** `GET <baseUrl>/v1/models`, Anthropic's paginated list (OpenAI's `{data:[{id}]}` reads the same). */
import { MAX_CONTEXT_TOKENS, MAX_OUTPUT_TOKENS } from '../../shared/limits.js'
import type { AuthVar } from '../../shared/roles.js'
import { authHeaders, callProvider, endpoint, statusFailure } from './http.js'

const MAX_PAGES = 50

/** One listed model, with the limits the list reports when it reports them. */
export interface ListedModel {
  id: string
  /** Context window in tokens (OpenRouter's `context_length`, and the like). */
  context?: number
  /** Output cap in tokens (OpenRouter's `top_provider.max_completion_tokens`, and the like). */
  output?: number
}

// Field names gateways use for a model's window and output cap; values are untrusted numbers.
const CONTEXT_FIELDS = ['context_length', 'context_window', 'max_input_tokens'] as const
const OUTPUT_FIELDS = ['max_completion_tokens', 'max_output_tokens'] as const

type Loose = Record<string, unknown>
const asObject = (v: unknown): Loose | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : undefined

function tokens(o: Loose | undefined, fields: readonly string[], max: number): number | undefined {
  for (const f of fields) {
    const v = o?.[f]
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 && v <= max) return v
  }
  return undefined
}

function listed(raw: unknown): ListedModel | undefined {
  const m = asObject(raw)
  if (typeof m?.id !== 'string') return undefined
  const top = asObject(m.top_provider)
  const context = tokens(m, CONTEXT_FIELDS, MAX_CONTEXT_TOKENS) ?? tokens(top, CONTEXT_FIELDS, MAX_CONTEXT_TOKENS)
  const output = tokens(top, OUTPUT_FIELDS, MAX_OUTPUT_TOKENS) ?? tokens(m, OUTPUT_FIELDS, MAX_OUTPUT_TOKENS)
  return { id: m.id, ...(context ? { context } : {}), ...(output ? { output } : {}) }
}

/** The models on one page, or null when the answer is not a model list at all. */
function page(json: unknown): { models: ListedModel[]; more: boolean; last?: string } | null {
  const data = asObject(json)?.data
  if (!Array.isArray(data)) return null
  const models = data.map(listed).filter((m): m is ListedModel => m !== undefined)
  const p = json as { has_more?: unknown; last_id?: unknown }
  const last = typeof p.last_id === 'string' ? p.last_id : models.at(-1)?.id
  return { models, more: p.has_more === true, last }
}

/**
 * Every model the provider lists, or null when it has no model list (404/405, or an answer that
 * is not a list). Throws ProviderCallError for a rejected key, a timeout, a dead host, a 5xx.
 * Without a key the list is asked for anonymously (OpenRouter's is public).
 */
export async function listModelEntries(
  baseUrl: string,
  authVar: AuthVar,
  key: string | null,
  opts: { timeoutMs?: number; fetch?: typeof globalThis.fetch } = {},
): Promise<ListedModel[] | null> {
  const headers =
    key === null ? { 'anthropic-version': authHeaders(authVar, '')['anthropic-version']! } : authHeaders(authVar, key)
  const models: ListedModel[] = []
  let after: string | undefined
  for (let n = 0; n < MAX_PAGES; n++) {
    const url = endpoint(baseUrl, 'v1/models') + (after ? `?after_id=${encodeURIComponent(after)}` : '')
    const { status, json } = await callProvider(url, { headers }, opts)
    // Gateways without a list answer 404, 405 or 501, a few 400: let --probe take over then.
    if ([400, 404, 405, 501].includes(status)) return n === 0 ? null : models
    if (status < 200 || status >= 300) throw statusFailure(status, json)
    const parsed = page(json)
    if (!parsed) return n === 0 ? null : models
    models.push(...parsed.models)
    if (!parsed.more || !parsed.last || parsed.last === after) break
    after = parsed.last
  }
  return models
}

/** The ids only (see listModelEntries). */
export async function listModels(...args: Parameters<typeof listModelEntries>): Promise<string[] | null> {
  const entries = await listModelEntries(...args)
  return entries ? entries.map((m) => m.id) : null
}
