/**
 * The node:http(s) agent that carries a registry request through the proxy the environment names
 * (CONNECT for https, an absolute-URI request for http), or undefined for a direct connection.
 * http-get.ts imports this only when a proxy variable is set, so `sync --check` loads none of it.
 */
import type { Agent } from 'node:http'
import { HttpProxyAgent } from 'http-proxy-agent'
import { HttpsProxyAgent } from 'https-proxy-agent'
import { CliError } from '../../shared/errors.js'
import { ProxySettingError, proxyFor } from '../../shared/net/proxy-decision.js'

const agents = new Map<string, Agent>()

export function proxyAgentFor(url: URL): Agent | undefined {
  let proxy: string | undefined
  try {
    proxy = proxyFor(url)
  } catch (err) {
    if (err instanceof ProxySettingError) throw new CliError('E_PROXY', err.message, 2)
    throw err
  }
  if (!proxy) return undefined
  const key = `${url.protocol}${proxy}`
  let agent = agents.get(key)
  if (!agent)
    agents.set(key, (agent = url.protocol === 'https:' ? new HttpsProxyAgent(proxy) : new HttpProxyAgent(proxy)))
  return agent
}
