import { roleOf } from '../../shared/roles.js'
import { maskValue } from './mask.js'

/** `sonnet` reads better than `ANTHROPIC_DEFAULT_SONNET_MODEL`; other variables keep their name. */
export const label = (key: string) => roleOf(key) ?? key

/** A value for display: masked when secret, quoted when empty, `(unset)` when absent. */
export function show(key: string, value: string | undefined): string {
  const v = maskValue(key, value)
  if (v === undefined) return '(unset)'
  return v === '' ? '""' : v
}
