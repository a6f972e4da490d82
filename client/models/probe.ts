/**
 * `--probe`: one `POST /v1/messages` with `max_tokens: 1` for a model, read for the provider's
 * verdict. It costs the user one token (plus the prompt) per model, which is why it is opt-in.
 */
import type { AuthVar } from '../../shared/roles.js'
import { authHeaders, callProvider, endpoint, providerMessage, statusFailure } from './http.js'
import type { ModelStatus } from './types.js'

export interface ProbeResult {
  status: ModelStatus
  note?: string
}

/** Throws ProviderCallError for a rejected key, a timeout or a dead host (instance-wide problems). */
export async function probeModel(
  baseUrl: string,
  authVar: AuthVar,
  key: string,
  model: string,
  opts: { timeoutMs?: number; fetch?: typeof globalThis.fetch } = {},
): Promise<ProbeResult> {
  const { status, json } = await callProvider(
    endpoint(baseUrl, 'v1/messages'),
    {
      method: 'POST',
      headers: authHeaders(authVar, key),
      body: { model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] },
    },
    opts,
  )
  if (status >= 200 && status < 300) return { status: 'served' }
  if (status === 401 || status === 403) throw statusFailure(status, json)
  const said = providerMessage(json)
  // Providers word it differently ("model not found: x", "Invalid model", "unknown model x"),
  // but a refusal that names the model is a refusal of the model, not of the request shape.
  if ([400, 404, 422].includes(status) && said && (/model/i.test(said) || said.includes(model))) {
    return { status: 'not-served', note: said }
  }
  if (status === 429) return { status: 'unknown', note: 'rate limited (HTTP 429); try again later' }
  return { status: 'unknown', note: said ? `HTTP ${status}: ${said}` : `HTTP ${status}` }
}
