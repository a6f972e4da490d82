/**
 * The one decision "which proxy, if any, carries a request to this URL", shared by both HTTP stacks
 * (node:http on the hot path, fetch elsewhere) so they can never disagree. proxy-from-env is the
 * library axios and request use: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY, lower case
 * winning over upper case, NO_PROXY entries being a host, `.domain` or `*.domain` (any subdomain),
 * `host:port`, or `*` (no proxy at all).
 */
import { getProxyForUrl } from 'proxy-from-env'

/** The proxy URL for `url`, or undefined for a direct connection. */
export function proxyFor(url: string | URL): string | undefined {
  return getProxyForUrl(typeof url === 'string' ? url : url.href) || undefined
}
