/**
 * What a wrapper clears before `exec`, so the provider's key goes only to the provider's URL and
 * nothing from the shell reroutes the request. Claude Code reads its environment first and picks
 * a backend from it: `CLAUDE_CODE_USE_BEDROCK=1` in the shell would send every prompt to Bedrock
 * (and `ANTHROPIC_BEDROCK_BASE_URL` to a host of its choosing); a user's own
 * `ANTHROPIC_API_KEY=sk-ant-…` would travel to a third-party provider next to the provider's key.
 * The list is short and documented (README, "Security model"); a name the block itself exports
 * (the template's `ANTHROPIC_API_KEY=""`, a user's override) is never cleared.
 */
import { AUTH_VARS, type AuthVar } from './roles.js'

export const CLEARED_ENV: readonly string[] = [
  // Other backends: each switch, its endpoint and its way of skipping or carrying credentials.
  'CLAUDE_CODE_USE_BEDROCK',
  'CLAUDE_CODE_USE_VERTEX',
  'CLAUDE_CODE_USE_FOUNDRY',
  'ANTHROPIC_BEDROCK_BASE_URL',
  'ANTHROPIC_VERTEX_BASE_URL',
  'ANTHROPIC_FOUNDRY_BASE_URL',
  'ANTHROPIC_FOUNDRY_RESOURCE',
  'ANTHROPIC_FOUNDRY_API_KEY',
  'CLAUDE_CODE_SKIP_BEDROCK_AUTH',
  'CLAUDE_CODE_SKIP_VERTEX_AUTH',
  'CLAUDE_CODE_SKIP_FOUNDRY_AUTH',
  // Another credential Claude Code would send: a claude.ai subscription token.
  'CLAUDE_CODE_OAUTH_TOKEN',
  // Headers from the shell may carry a credential for some other gateway.
  'ANTHROPIC_CUSTOM_HEADERS',
]

/** The names a wrapper for `authVar` unsets: the other auth variable and CLEARED_ENV, minus what it exports. */
export function clearedNames(authVar: AuthVar, exported: Iterable<string>): string[] {
  const keep = new Set(exported)
  return [...AUTH_VARS.filter((v) => v !== authVar), ...CLEARED_ENV].filter((n) => !keep.has(n))
}
