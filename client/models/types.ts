import type { AuthVar } from '../../shared/roles.js'

/**
 * What `doctor --models` needs to know about one instance, independent of how local state is
 * stored: the environment Claude Code will actually see (wrapper block + overrides, with a
 * settings.json `env` winning over both) and the key, read the way the wrapper reads it.
 */
export interface ModelCheckTarget {
  name: string
  /** `glm@2.1.0 from public`, for display only. */
  source?: string
  env: Record<string, string>
  /** The variable that carries the key; decides the header (Bearer vs x-api-key). */
  authVar: AuthVar
  /** The key itself, or null when it cannot be read (then `keyProblem` says why). */
  key: string | null
  keyProblem?: string
  /** Local state that stops the check (a missing or broken wrapper): reported, never thrown. */
  problem?: string
  /** Worth knowing but not a failure, e.g. settings.json overriding a wrapper variable. */
  notes?: string[]
  /** The locked version's `retired` list, when its document is at hand (cache or bundled). */
  retired?: Record<string, string | null>
}

export type ModelStatus = 'served' | 'not-served' | 'unknown'

export interface ModelRow {
  /** Role name (`sonnet`) or, for a model variable that is not a role, the variable name. */
  role: string
  variable: string
  /** As mapped, `[1m]` suffix included. */
  model: string
  status: ModelStatus
  /** How the status was learned: from the provider's model list, or a one-token probe. */
  via?: 'list' | 'probe'
  /** The provider's own words when a probe was refused, or why the status is unknown. */
  note?: string
  /** The model's context window as the provider's list reports it, when it does. */
  window?: number
}

export type CheckFailure = 'state' | 'no-key' | 'auth' | 'timeout' | 'network' | 'http' | 'bad-url' | 'redirect'

export interface InstanceModelReport {
  name: string
  source?: string
  baseUrl: string
  /** Number of models the provider listed; null when it has no usable model list. */
  listed: number | null
  rows: ModelRow[]
  /** A failure that stopped the check (bad key, timeout, unreachable host, ...). */
  error?: { kind: CheckFailure; message: string }
  hint?: string
  notes?: string[]
  /** CLAUDE_CODE_AUTO_COMPACT_WINDOW as the instance sets it, in tokens. */
  compactWindow?: number
  /** A main-loop model whose reported window is smaller than where Claude Code compacts. */
  windowProblem?: string
  /** True only when every mapped model is confirmed served, fits its window, and nothing failed. */
  ok: boolean
}

export interface ModelsReport {
  ok: boolean
  instances: InstanceModelReport[]
}

export interface CheckOptions {
  /** Per request, in milliseconds (default 10 000). */
  timeoutMs?: number
  /** Send one `max_tokens: 1` message per model the list could not confirm. Costs a token each. */
  probe?: boolean
  fetch?: typeof globalThis.fetch
}
