/**
 * Retired models: a template version may list models the provider no longer serves, with their
 * replacement. These helpers find them in an instance's CURRENT environment (the user's overrides
 * included), so `outdated` and `sync --check` can warn even when the version is pinned.
 */
import { AUTH_VARS, BASE_URL_ENV, roleOf, type Role } from '../../shared/roles.js'
import { modelAsSent } from '../../shared/limits.js'

export interface RetiredUse {
  /** The variable that maps the retired model. */
  key: string
  role?: Role
  /** As mapped (a `[1m]` suffix kept). */
  model: string
  replacement: string | null
}

const NOT_MODELS = new Set<string>([BASE_URL_ENV, ...AUTH_VARS])

/** Merges `retired` lists; later ones win (a newer version knows better). */
export function mergeRetired(
  ...lists: (Record<string, string | null> | undefined | null)[]
): Record<string, string | null> {
  const out: Record<string, string | null> = {}
  for (const list of lists) Object.assign(out, list ?? {})
  return out
}

/**
 * The entry for one mapped value: its exact spelling first (`glm-5.2[1m]` may have its own
 * 1M-context replacement), then the bare model, then any entry naming the same bare model.
 */
function lookup(table: Record<string, string | null>, value: string): [string, string | null] | undefined {
  const bare = modelAsSent(value)
  for (const key of [value, bare]) if (Object.hasOwn(table, key)) return [key, table[key] ?? null]
  const key = Object.keys(table).find((k) => modelAsSent(k) === bare)
  return key === undefined ? undefined : [key, table[key] ?? null]
}

/** `glm-4.6 → glm-5.1` when glm-5.1 is retired too reads `glm-4.6 → glm-5.3` (cycles stop). */
function followChain(table: Record<string, string | null>, replacement: string | null): string | null {
  const seen = new Set<string>()
  let current = replacement
  while (current !== null && !seen.has(current)) {
    seen.add(current)
    const next = lookup(table, current)
    if (!next || next[1] === null) break
    current = next[1]
  }
  return current
}

/** Every variable of `env` whose model (compared without `[1m]`) is listed in `retired`. */
export function findRetired(env: Record<string, string>, retired: Record<string, string | null>): RetiredUse[] {
  const out: RetiredUse[] = []
  for (const [key, value] of Object.entries(env)) {
    if (NOT_MODELS.has(key) || !value) continue
    const hit = lookup(retired, value)
    if (!hit) continue
    const role = roleOf(key)
    const replacement = followChain(retired, hit[1])
    // Matched through its bare name: the replacement keeps the user's own `[1m]` (or its absence).
    const kept =
      replacement === null || hit[0] === value
        ? replacement
        : modelAsSent(replacement) + value.slice(modelAsSent(value).length)
    out.push({ key, ...(role ? { role } : {}), model: value, replacement: kept })
  }
  return out
}

/** `sonnet` for a role variable, the variable itself otherwise (what `override` accepts). */
export const overrideKey = (use: RetiredUse): string => use.role ?? use.key

/** One line: `sonnet uses glm-5.1, retired by the provider → glm-5.3`. */
export function describeRetired(use: RetiredUse, whose?: string): string {
  const what = `${overrideKey(use)} uses ${use.model}${whose ? ` (${whose})` : ''}, retired by the provider`
  return use.replacement ? `${what} → ${use.replacement}` : `${what} (no replacement named)`
}

/** The command that fixes an override pointing at a retired model; sync never runs it itself. */
export function overrideSuggestion(instance: string, use: RetiredUse): string | undefined {
  if (!use.replacement) return undefined
  return `claude-multi override ${instance} ${overrideKey(use)}=${quoteArg(use.replacement)}`
}

const quoteArg = (s: string) => (/^[\w.@%+=:,/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)
