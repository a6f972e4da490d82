/**
 * Whether any proxy variable is set: a few property reads, so the hot path pays nothing for proxy
 * support. Only when this is true are the proxy modules (proxy-from-env, the agents, undici) loaded.
 */
const VARS = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'] as const

export function proxyConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return VARS.some((name) => Boolean(env[name]))
}
