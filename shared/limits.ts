/**
 * Model limits: each model's context window (and output cap), as a template version declares
 * them, and the Claude Code variables a wrapper derives from them. Claude Code knows no provider
 * model, so without these it assumes a 1M-token window and compacts far too late.
 */
import { ROLE_ENV, type Role } from './roles.js'

export interface ModelLimits {
  /** Context window in tokens (prompt + output), as the provider documents it. */
  context: number
  /** Most output tokens one request may ask for, where the provider documents it. */
  output?: number
}

/** Model name as sent (no `[1m]` suffix) → its limits. */
export type Limits = Record<string, ModelLimits>

export const MAX_CONTEXT_TOKENS = 10_000_000
export const MAX_OUTPUT_TOKENS = 1_000_000

export const COMPACT_WINDOW_ENV = 'CLAUDE_CODE_AUTO_COMPACT_WINDOW'
export const MAX_OUTPUT_ENV = 'CLAUDE_CODE_MAX_OUTPUT_TOKENS'
export const SUBAGENT_MODEL_ENV = 'CLAUDE_CODE_SUBAGENT_MODEL'

/**
 * The `max_tokens` Claude Code sends for a model it does not recognize (2.1.328, measured by
 * test/e2e/real-claude.test.ts). A model whose output cap is lower gets
 * CLAUDE_CODE_MAX_OUTPUT_TOKENS, since a provider refuses a request asking for more than its cap.
 */
export const CLAUDE_CODE_DEFAULT_OUTPUT = 32_000

/**
 * Roles whose model can run the conversation itself (the default, and what `--model` or
 * `/model` switch to). One window applies to the whole session, so it is the smallest of theirs;
 * haiku and fast serve short background requests.
 */
export const MAIN_LOOP_ROLES: readonly Role[] = ['default', 'sonnet', 'opus']

/** `glm-5.3[1m]` → `glm-5.3`: Claude Code strips the 1M-context suffix before sending. */
export const modelAsSent = (model: string): string => model.replace(/\[1m\]$/i, '')

/** Own keys only: a model named `constructor` must not find Object.prototype's. */
export function limitsOf(limits: Readonly<Limits> | undefined, model: string): ModelLimits | undefined {
  const name = modelAsSent(model)
  return limits && Object.hasOwn(limits, name) ? limits[name] : undefined
}

/** The main-loop models of a resolved environment: default, sonnet, opus, and the subagent model. */
export function mainLoopModels(env: Readonly<Record<string, string>>): string[] {
  const models = MAIN_LOOP_ROLES.map((role) => env[ROLE_ENV[role]])
  // Subagents run the same loop, with their own auto-compaction.
  models.push(env[SUBAGENT_MODEL_ENV])
  return models.filter((m): m is string => !!m)
}

/** Every model that receives requests: all five roles and the subagent model. */
export function requestModels(env: Readonly<Record<string, string>>): string[] {
  return [...Object.values(ROLE_ENV), SUBAGENT_MODEL_ENV].map((v) => env[v]).filter((m): m is string => !!m)
}

export interface DerivedLimits {
  /** Smallest context window among the main-loop models whose limits are known. */
  window?: number
  /** Smallest output cap among all request models, only when below Claude Code's default. */
  output?: number
}

export function deriveLimits(
  env: Readonly<Record<string, string>>,
  limits: Readonly<Limits> | undefined,
): DerivedLimits {
  const min = (values: (number | undefined)[]) => {
    const known = values.filter((v): v is number => typeof v === 'number')
    return known.length ? Math.min(...known) : undefined
  }
  const window = min(mainLoopModels(env).map((m) => limitsOf(limits, m)?.context))
  const output = min(requestModels(env).map((m) => limitsOf(limits, m)?.output))
  return {
    ...(window !== undefined ? { window } : {}),
    ...(output !== undefined && output < CLAUDE_CODE_DEFAULT_OUTPUT ? { output } : {}),
  }
}

/** The variables the wrapper exports for the derived limits, in a fixed order. */
export function limitEnv(
  env: Readonly<Record<string, string>>,
  limits: Readonly<Limits> | undefined,
): Record<string, string> {
  const { window, output } = deriveLimits(env, limits)
  return {
    ...(window !== undefined ? { [COMPACT_WINDOW_ENV]: String(window) } : {}),
    ...(output !== undefined ? { [MAX_OUTPUT_ENV]: String(output) } : {}),
  }
}

/**
 * A window as Claude Code reads CLAUDE_CODE_AUTO_COMPACT_WINDOW: tokens, or a `k`/`m` shorthand
 * (`200k`, `1m`). Undefined for anything else (Claude Code then ignores the variable).
 */
export function parseTokenCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const m = /^\s*(\d+(?:\.\d+)?)\s*([km]?)\s*$/i.exec(value)
  if (!m) return undefined
  const n = Math.round(Number(m[1]) * (m[2]!.toLowerCase() === 'm' ? 1e6 : m[2] ? 1e3 : 1))
  return Number.isSafeInteger(n) && n > 0 ? n : undefined
}

/** `262144` → `262.1k`, `1000000` → `1m`: the way Claude Code's /context prints a window. */
export function formatTokens(n: number): string {
  const short = (v: number, unit: string) => `${Number(v.toFixed(1))}${unit}`
  if (n >= 1e6) return short(n / 1e6, 'm')
  if (n >= 1e3) return short(n / 1e3, 'k')
  return String(n)
}

const isTokens = (v: unknown, max: number): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0 && v <= max

/** Limits read back from local state (the lock): well-formed entries only, anything else dropped. */
export function sanitizeLimits(raw: unknown): Limits {
  const out: Limits = {}
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out
  for (const [model, value] of Object.entries(raw as Record<string, unknown>)) {
    const v = value as Partial<ModelLimits> | null
    if (!v || !isTokens(v.context, MAX_CONTEXT_TOKENS)) continue
    out[model] = isTokens(v.output, Math.min(MAX_OUTPUT_TOKENS, v.context))
      ? { context: v.context, output: v.output }
      : { context: v.context }
  }
  return out
}

/** The window Claude Code assumes for a model it does not recognize (2.1.328), and its ceiling for one. */
export const CLAUDE_CODE_ASSUMED_WINDOW = 1_000_000
