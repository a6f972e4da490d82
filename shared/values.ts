/** Rules every template value obeys, checked once here for the schema, resolution and rendering. */
import { PLACEHOLDER_RE } from './placeholders.js'

/** One line and no NUL: the shell would cut the value at the first or split it at the other. */
export const isOneLine = (value: string): boolean => !/[\0\r\n]/.test(value)

const isLoopback = (host: string) => host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host)

/**
 * What is wrong with a base URL, or undefined when it is fine: https, or plain http only to this
 * machine (a local gateway or a test server). `{{input}}` placeholders stand for a plain word.
 */
export function baseUrlProblem(value: string): string | undefined {
  let url: URL
  try {
    url = new URL(value.replace(PLACEHOLDER_RE, 'x'))
  } catch {
    return 'must be an absolute URL'
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))) return undefined
  return 'must use https (http only for localhost)'
}
