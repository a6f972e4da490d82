/**
 * Limits of models chosen at setup (OpenRouter's `{{model}}`): no template can know them, so
 * `add` reads them from the provider's model list (OpenRouter's `context_length` and
 * `top_provider.max_completion_tokens`). It never fails the add: when the list is unreachable or
 * silent about the model, a warning says how to set the window by hand.
 */
import { limitsOf, modelAsSent, type Limits } from '../../shared/limits.js'
import { placeholders } from '../../shared/placeholders.js'
import { BASE_URL_ENV, ROLES, ROLE_ENV } from '../../shared/roles.js'
import type { Template } from '../../shared/types.js'
import { ProviderCallError } from './http.js'
import { listModelEntries } from './list.js'

export interface Learned {
  limits: Limits
  warnings: string[]
}

/** Models whose name comes from a setup input and whose limits the template does not give. */
export function chosenModels(t: Template, env: Readonly<Record<string, string>>): string[] {
  const chosen = ROLES.filter((role) => placeholders(t.models[role]).length > 0).map((role) =>
    modelAsSent(env[ROLE_ENV[role]] ?? ''),
  )
  return [...new Set(chosen)].filter((m) => m && !limitsOf(t.limits, m))
}

export async function learnLimits(
  name: string,
  t: Template,
  env: Readonly<Record<string, string>>,
  key: string | null,
  opts: { timeoutMs?: number; fetch?: typeof globalThis.fetch } = {},
): Promise<Learned> {
  const models = chosenModels(t, env)
  const learned: Learned = { limits: {}, warnings: [] }
  if (!models.length) return learned
  const url = `${env[BASE_URL_ENV]!.replace(/\/+$/, '')}/v1/models`
  const unknown = (model: string, why: string) =>
    learned.warnings.push(
      `${name}: could not read the context window of ${model} (${why}); Claude Code will assume 1M tokens. ` +
        `Set it with: claude-multi override ${name} CLAUDE_CODE_AUTO_COMPACT_WINDOW=<tokens>`,
    )
  let listed: Awaited<ReturnType<typeof listModelEntries>>
  try {
    listed = await listModelEntries(env[BASE_URL_ENV]!, t.auth, key, opts)
  } catch (err) {
    if (!(err instanceof ProviderCallError)) throw err
    for (const m of models) unknown(m, `${url}: ${err.message}`)
    return learned
  }
  for (const m of models) {
    const entry = listed?.find((e) => e.id === m)
    if (!listed) unknown(m, `${url} is not a model list`)
    else if (!entry) unknown(m, `${url} does not list it; check the model name`)
    else if (!entry.context) unknown(m, `${url} lists it without a window`)
    else
      learned.limits[m] =
        entry.output && entry.output <= entry.context
          ? { context: entry.context, output: entry.output }
          : { context: entry.context }
  }
  return learned
}
