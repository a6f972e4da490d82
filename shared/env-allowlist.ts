/**
 * The only environment variables a template can make a wrapper export. A registry is untrusted
 * (even a signed one can be compromised), and one variable is enough to run code on the machine
 * that syncs it: `GIT_CONFIG_*` makes the next `git status` run a command, `PERL5OPT` loads a
 * module, `*_PROXY` moves all traffic, `CLAUDE_CODE_SHELL_PREFIX` wraps every shell command
 * Claude Code runs. A denylist misses the next such name; this list names exactly what provider
 * guides need and what Claude Code reads, and nothing that runs or loads code, changes where
 * traffic goes or changes how a shell or another program behaves.
 *
 * To propose an addition: a pull request adding one line here, with the provider guide or
 * Claude Code documentation that needs it (see README, "Security model").
 */
import { placeholders } from './placeholders.js'
import { unsafeTextProblem } from './text.js'

/** What a value must look like, checked at publish and again before a wrapper is written. */
export type EnvKind = 'url' | 'key' | 'model' | 'integer' | 'percent' | 'flag' | 'header'

export interface AllowedEnv {
  kind: EnvKind
  /**
   * Where the value comes from: `baseUrl` and `models` are template fields the wrapper turns into
   * variables; `key` is the instance's own secret (in `env` only as `""`); `env` may be set there.
   */
  from: 'baseUrl' | 'models' | 'key' | 'env'
  reason: string
}

export const ENV_ALLOWLIST: Readonly<Record<string, AllowedEnv>> = Object.freeze({
  ANTHROPIC_BASE_URL: {
    kind: 'url',
    from: 'baseUrl',
    reason: 'the provider endpoint; from the template field baseUrl',
  },
  ANTHROPIC_AUTH_TOKEN: {
    kind: 'key',
    from: 'key',
    reason: 'the key sent as Authorization: Bearer; filled from the instance key, never from a template',
  },
  ANTHROPIC_API_KEY: {
    kind: 'key',
    from: 'key',
    reason: 'the key sent as x-api-key; a template may only set it to "" (OpenRouter)',
  },
  ANTHROPIC_MODEL: { kind: 'model', from: 'models', reason: 'the default role model' },
  ANTHROPIC_SMALL_FAST_MODEL: {
    kind: 'model',
    from: 'models',
    reason: 'the small/fast role model (older Claude Code reads it)',
  },
  ANTHROPIC_DEFAULT_SONNET_MODEL: { kind: 'model', from: 'models', reason: 'the model the sonnet alias resolves to' },
  ANTHROPIC_DEFAULT_OPUS_MODEL: { kind: 'model', from: 'models', reason: 'the model the opus alias resolves to' },
  ANTHROPIC_DEFAULT_HAIKU_MODEL: {
    kind: 'model',
    from: 'models',
    reason: 'the model the haiku alias and background work use',
  },
  CLAUDE_CODE_SUBAGENT_MODEL: {
    kind: 'model',
    from: 'env',
    reason: 'the model subagents use (DeepSeek maps its flash model there)',
  },
  API_TIMEOUT_MS: {
    kind: 'integer',
    from: 'env',
    reason: 'request timeout; slow providers need more than the default 600000',
  },
  CLAUDE_CODE_MAX_OUTPUT_TOKENS: {
    kind: 'integer',
    from: 'env',
    reason: "cap on output tokens when the provider's is lower than Claude Code's default",
  },
  MAX_THINKING_TOKENS: { kind: 'integer', from: 'env', reason: 'thinking budget a provider supports' },
  CLAUDE_CODE_AUTO_COMPACT_WINDOW: {
    kind: 'integer',
    from: 'env',
    reason: "the model's context window, so auto-compaction fires before the provider refuses",
  },
  CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: {
    kind: 'percent',
    from: 'env',
    reason: 'how full the window gets before auto-compaction (1-100)',
  },
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: {
    kind: 'flag',
    from: 'env',
    reason: 'no telemetry, error reports or update checks to Anthropic, which a provider key cannot use',
  },
  DISABLE_TELEMETRY: { kind: 'flag', from: 'env', reason: 'no telemetry to Anthropic' },
  DISABLE_ERROR_REPORTING: { kind: 'flag', from: 'env', reason: 'no error reports to Anthropic' },
  DISABLE_NON_ESSENTIAL_MODEL_CALLS: {
    kind: 'flag',
    from: 'env',
    reason: 'no model calls for flavour text, which cost provider tokens',
  },
  DISABLE_PROMPT_CACHING: { kind: 'flag', from: 'env', reason: 'for providers that reject cache_control blocks' },
  CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS: {
    kind: 'flag',
    from: 'env',
    reason: 'for providers that reject anthropic-beta headers',
  },
  ANTHROPIC_CUSTOM_HEADERS: {
    kind: 'header',
    from: 'env',
    reason: 'one extra header a gateway needs (sent only to the base URL)',
  },
})

export const isAllowedEnv = (name: string): boolean => Object.hasOwn(ENV_ALLOWLIST, name)

const INTEGER_RE = /^(?:0|[1-9][0-9]{0,11})$/
const HEADER_RE = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}:[ \t]*[^\s].*$/

/** What is wrong with a value of an allowlisted variable, or undefined. Placeholders are checked once substituted. */
export function envValueProblem(name: string, value: string): string | undefined {
  const rule = ENV_ALLOWLIST[name]
  if (!rule) return undefined
  const unsafe = unsafeTextProblem(value)
  if (unsafe) return unsafe
  if (placeholders(value).length) return undefined
  switch (rule.kind) {
    case 'integer':
      return INTEGER_RE.test(value) ? undefined : 'must be a whole number'
    case 'percent':
      return INTEGER_RE.test(value) && Number(value) >= 1 && Number(value) <= 100
        ? undefined
        : 'must be a whole number from 1 to 100'
    case 'flag':
      return value === '1' || value === 'true'
        ? undefined
        : 'must be "1" or "true" (Claude Code treats any non-empty value as on)'
    case 'header':
      return HEADER_RE.test(value) ? undefined : 'must be one "Name: value" header'
    case 'model':
      return value === '' ? 'must not be empty' : undefined
    default:
      return undefined
  }
}

/**
 * What is wrong with one entry of a template's `env`, or undefined. `auth` is the template's key
 * variable: the template never sets it; the other auth variable only to `""`.
 */
export function templateEnvProblem(name: string, value: string, auth: string | undefined): string | undefined {
  const rule = isAllowedEnv(name) ? ENV_ALLOWLIST[name]! : undefined
  if (!rule)
    return 'is not on the allowlist of variables a template may set (README: "Security model" lists them and how to propose one)'
  if (rule.from === 'baseUrl') return 'is set by the wrapper itself; use the baseUrl field'
  if (rule.from === 'models') return 'is set by the wrapper itself; use the models field'
  if (rule.from === 'key') {
    if (name === auth) return 'carries the API key (auth); a template never holds a secret'
    return value === '' ? undefined : 'may only be set to "" (a template never holds a secret)'
  }
  return envValueProblem(name, value)
}

/**
 * What is wrong with a variable a template makes the wrapper export (after resolution: base URL,
 * role models, `env`, derived values), or undefined. The last check before anything is written.
 */
export function renderedEnvProblem(name: string, value: string): string | undefined {
  if (!isAllowedEnv(name)) return 'is not on the allowlist of variables a template may set'
  const rule = ENV_ALLOWLIST[name]!
  if (rule.kind === 'key') return value === '' ? undefined : 'may only be set to "" by a template'
  return envValueProblem(name, value)
}
