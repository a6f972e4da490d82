import { renderedEnvProblem, templateEnvProblem } from './env-allowlist.js'
import { CliError } from './errors.js'
import { limitEnv, type Limits } from './limits.js'
import { substitute } from './placeholders.js'
import { BASE_URL_ENV, ROLES, ROLE_ENV } from './roles.js'
import type { Template } from './types.js'
import { baseUrlProblem, isOneLine } from './values.js'

/** Inputs the user must still give: declared, without a default, and not given. */
export function missingInputs(t: Template, given: Readonly<Record<string, string>>): string[] {
  return (t.inputs ?? []).filter((i) => i.default === undefined && given[i.name] === undefined).map((i) => i.name)
}

/** The inputs a wrapper is rendered with: given values checked against choices, defaults filled in. */
export function resolveInputs(t: Template, given: Readonly<Record<string, string>>): Record<string, string> {
  const declared = new Map((t.inputs ?? []).map((i) => [i.name, i]))
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      const known = [...declared.keys()]
      throw new CliError(
        'E_INPUT',
        `${t.id} has no input "${name}"`,
        2,
        known.length ? `its inputs are: ${known.join(', ')}` : `${t.id} takes no inputs`,
      )
    }
  }
  const missing = missingInputs(t, given)
  if (missing.length) {
    throw new CliError(
      'E_INPUT',
      `${t.id}@${t.version} needs ${missing.map((m) => `--input ${m}=…`).join(' ')}`,
      2,
      describeInputs(t, missing),
    )
  }
  const out: Record<string, string> = {}
  for (const input of t.inputs ?? []) {
    const value = given[input.name] ?? input.default!
    if (!isOneLine(value)) throw new CliError('E_INPUT', `input "${input.name}" must not contain a newline or NUL`, 2)
    if (input.choices && !input.choices.includes(value)) {
      throw new CliError(
        'E_INPUT',
        `input "${input.name}" must be one of ${input.choices.join(', ')} (got "${value}")`,
        2,
      )
    }
    out[input.name] = value
  }
  return out
}

function describeInputs(t: Template, names: string[]): string {
  return (t.inputs ?? [])
    .filter((i) => names.includes(i.name))
    .map((i) => `${i.name}: ${i.description}${i.choices ? `; one of ${i.choices.join(', ')}` : ''}`)
    .join('; ')
}

export interface ResolveOptions {
  /**
   * Skip the allowlist check. Only for the *base* of a merge (the locked version, which may predate
   * the allowlist): its values are compared, never written, so a variable it alone sets is removed.
   */
  unchecked?: boolean
}

/**
 * The variables a wrapper exports for a template: base URL, the five role variables, the
 * template's own `env` in its order, then the variables derived from the models' limits (the
 * template's `env` wins over a derived value). The order is part of the output so rendering is
 * deterministic. `learned` holds limits of models chosen at setup (read from the provider's model
 * list by `add`); the template's own limits win over them. Every variable is checked against the
 * allowlist here, the one road from a template to a wrapper, so even a signed template from an old
 * cache cannot get a name past it.
 */
export function resolveEnv(
  t: Template,
  given: Readonly<Record<string, string>> = {},
  learned: Readonly<Limits> = {},
  opts: ResolveOptions = {},
): Record<string, string> {
  const inputs = resolveInputs(t, given)
  // Checked on the template's own entries first: `env.__proto__` would vanish into a setter below.
  if (!opts.unchecked)
    for (const [name, value] of Object.entries(t.env))
      assertAllowed(t, name, templateEnvProblem(name, substitute(value, inputs), t.auth))
  const env: Record<string, string> = { [BASE_URL_ENV]: substitute(t.baseUrl, inputs) }
  for (const role of ROLES) env[ROLE_ENV[role]] = substitute(t.models[role], inputs)
  for (const [name, value] of Object.entries(t.env)) env[name] = substitute(value, inputs)
  for (const [name, value] of Object.entries(limitEnv(env, { ...learned, ...t.limits })))
    if (!Object.hasOwn(env, name)) env[name] = value
  assertSafeBaseUrl(t, env[BASE_URL_ENV]!)
  if (!opts.unchecked)
    for (const [name, value] of Object.entries(env))
      if (!Object.hasOwn(t.env, name)) assertAllowed(t, name, renderedEnvProblem(name, value))
  return env
}

function assertAllowed(t: Template, name: string, problem: string | undefined): void {
  if (!problem) return
  throw new CliError(
    'E_TEMPLATE_ENV',
    `${t.id}@${t.version} sets ${name}, which ${problem}; refusing it, nothing was written`,
    1,
    'pin another version (`claude-multi pin <name> <range>`) and tell the registry maintainer',
  )
}

/** An input may not turn an https template into a plain-http or foreign-scheme URL. */
function assertSafeBaseUrl(t: Template, value: string): void {
  if (baseUrlProblem(value) === undefined) return
  throw new CliError(
    'E_INPUT',
    `${t.id}: the base URL "${value}" is not an https URL`,
    2,
    'check the inputs given with --input',
  )
}
