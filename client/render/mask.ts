import { AUTH_VARS } from '../../shared/roles.js'

/** Secrets never reach output: an auth variable's value shows as a mask (empty stays visible). */
export function maskValue(key: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return value
  return (AUTH_VARS as readonly string[]).includes(key) ? '****' : value
}

export function maskEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(env)) out[k] = maskValue(k, v)!
  return out
}
