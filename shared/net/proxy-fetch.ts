/**
 * `fetch` through the proxy the environment names. Node 20's built-in fetch ignores HTTPS_PROXY,
 * so a proxied request goes through undici's own fetch with a ProxyAgent (CONNECT for https and
 * http alike). Loaded only when a proxy variable is set (see proxy-env.ts).
 */
import { fetch as undiciFetch, ProxyAgent } from 'undici'
import { proxyFor } from './proxy-decision.js'

const agents = new Map<string, ProxyAgent>()

export const proxiedFetch: typeof globalThis.fetch = (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
  const proxy = proxyFor(url)
  if (!proxy) return globalThis.fetch(input, init)
  let agent = agents.get(proxy)
  if (!agent) agents.set(proxy, (agent = new ProxyAgent(proxy)))
  // undici's Request/Response are the same classes Node bundles, up to their TypeScript declarations.
  return undiciFetch(url, { ...(init as object), dispatcher: agent } as Parameters<
    typeof undiciFetch
  >[1]) as unknown as Promise<Response>
}
