/** Claude Code picks a model per role; each role is read from one environment variable. */
export const ROLES = ['default', 'fast', 'sonnet', 'opus', 'haiku'] as const
export type Role = (typeof ROLES)[number]

export const ROLE_ENV: Readonly<Record<Role, string>> = {
  default: 'ANTHROPIC_MODEL',
  fast: 'ANTHROPIC_SMALL_FAST_MODEL',
  sonnet: 'ANTHROPIC_DEFAULT_SONNET_MODEL',
  opus: 'ANTHROPIC_DEFAULT_OPUS_MODEL',
  haiku: 'ANTHROPIC_DEFAULT_HAIKU_MODEL',
}

export const BASE_URL_ENV = 'ANTHROPIC_BASE_URL'
export const AUTH_VARS = ['ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_API_KEY'] as const
export type AuthVar = (typeof AUTH_VARS)[number]

export const ENV_NAME_RE = /^[A-Z_][A-Z0-9_]*$/

const ENV_ROLE = new Map(Object.entries(ROLE_ENV).map(([role, name]) => [name, role as Role]))

export const isRole = (key: string): key is Role => (ROLES as readonly string[]).includes(key)

/** `sonnet` → `ANTHROPIC_DEFAULT_SONNET_MODEL`; a variable name is returned as is. */
export const toEnvName = (key: string): string => (isRole(key) ? ROLE_ENV[key] : key)

/** The role a variable carries, if any (for display: "sonnet" reads better than the variable). */
export const roleOf = (envName: string): Role | undefined => ENV_ROLE.get(envName)
