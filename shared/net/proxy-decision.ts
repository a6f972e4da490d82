/**
 * The one decision "which proxy, if any, carries a request to this URL", shared by both HTTP stacks
 * (node:http on the hot path, fetch elsewhere) so they can never disagree. proxy-from-env is the
 * library axios and request use: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY, lower case
 * winning over upper case, NO_PROXY entries being a host, `.domain` or `*.domain` (any subdomain),
 * `host:port`, or `*` (no proxy at all).
 */
import { getProxyForUrl } from 'proxy-from-env'

/** A proxy variable naming no usable proxy: one line saying so, not undici's or Node's "Invalid URL". */
export class ProxySettingError extends Error {
  override name = 'ProxySettingError'
}

/** The value as shown in an error: credentials left out, one bounded line. */
const shown = (proxy: string) => JSON.stringify(proxy.replace(/\/\/[^/@]*@/, '//…@').slice(0, 120))

/**
 * The proxy URL for `url`, or undefined for a direct connection. A value that is not an http(s)
 * URL (`::bad`, `http://[::1`, `socks5://…`, which both agents would misuse as an HTTP proxy) is
 * refused with a ProxySettingError.
 */
export function proxyFor(url: string | URL): string | undefined {
  const proxy = getProxyForUrl(typeof url === 'string' ? url : url.href) || undefined
  if (proxy === undefined) return undefined
  let protocol: string
  try {
    protocol = new URL(proxy).protocol
  } catch {
    protocol = ''
  }
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new ProxySettingError(
      `the proxy set in HTTPS_PROXY, HTTP_PROXY or ALL_PROXY (${shown(proxy)}) is not an http:// or https:// URL; write it as http://host:port, or unset it`,
    )
  return proxy
}
