import { roleOf } from '../../shared/roles.js'
import { safeText } from '../../shared/text.js'
import { maskValue } from './mask.js'

/** `sonnet` reads better than `ANTHROPIC_DEFAULT_SONNET_MODEL`; other variables keep their name. */
export const label = (key: string) => roleOf(key) ?? safeText(key)

/**
 * A value for display: masked when secret, quoted when empty, `(unset)` when absent, and escaped:
 * a model name with an ESC or a bidi override in it must not pass for another one.
 */
export function show(key: string, value: string | undefined): string {
  const v = maskValue(key, value)
  if (v === undefined) return '(unset)'
  return v === '' ? '""' : safeText(v)
}
