import { afterEach, describe, expect, it } from 'vitest'
import { ProxySettingError, proxyFor } from '../../../shared/net/proxy-decision.js'
import { proxyConfigured } from '../../../shared/net/proxy-env.js'

const VARS = [
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'ALL_PROXY',
  'all_proxy',
  'NO_PROXY',
  'no_proxy',
]
const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]))
const set = (vars: Record<string, string>) => {
  for (const v of VARS) delete process.env[v]
  Object.assign(process.env, vars)
}
afterEach(() => {
  for (const v of VARS)
    if (saved[v] === undefined) delete process.env[v]
    else process.env[v] = saved[v]
})

describe('which proxy carries a request', () => {
  it('none without variables; the proxy modules are then never loaded', () => {
    set({})
    expect(proxyConfigured()).toBe(false)
    expect(proxyFor('https://registry.example.com/v1/index.json')).toBeUndefined()
  })

  it('HTTPS_PROXY for https, HTTP_PROXY for http, lower case winning', () => {
    set({ HTTPS_PROXY: 'http://s:3128', HTTP_PROXY: 'http://p:3128' })
    expect(proxyConfigured()).toBe(true)
    expect(proxyFor('https://a.example.com/')).toBe('http://s:3128')
    expect(proxyFor('http://a.example.com/')).toBe('http://p:3128')
    set({ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:1' })
    expect(proxyFor('https://a.example.com/')).toBe('http://lower:1')
    set({ HTTPS_PROXY: 'http://upper:1' })
    expect(proxyFor('http://a.example.com/')).toBeUndefined()
  })

  it('NO_PROXY: host, .domain, *.domain, host:port and *', () => {
    const cases: [string, string, boolean][] = [
      ['registry.corp', 'https://registry.corp/v1', false],
      ['registry.corp', 'https://other.corp/v1', true],
      ['.corp.example', 'https://a.b.corp.example/', false],
      ['.corp.example', 'https://example/', true],
      ['*.corp.example', 'https://a.corp.example/', false],
      ['registry.corp:8443', 'https://registry.corp:8443/', false],
      ['registry.corp:8443', 'https://registry.corp/', true],
      ['*', 'https://anything.example/', false],
      ['a.example, 127.0.0.1', 'http://127.0.0.1:4873/', false],
    ]
    for (const [noProxy, url, proxied] of cases) {
      set({ HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://p:1', NO_PROXY: noProxy })
      expect(proxyFor(url) !== undefined, `NO_PROXY=${noProxy} ${url}`).toBe(proxied)
      set({ HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://p:1', no_proxy: noProxy })
      expect(proxyFor(url) !== undefined, `no_proxy=${noProxy} ${url}`).toBe(proxied)
    }
  })

  it('refuses a value that is no http(s) URL, naming it without its credentials; NO_PROXY hosts never look', () => {
    for (const bad of ['::bad', 'http://[::1', 'socks5://me:s3cret@p:1080', 'ftp://p:21']) {
      set({ HTTP_PROXY: bad })
      expect(() => proxyFor('http://a.example.com/'), bad).toThrow(ProxySettingError)
      expect(() => proxyFor('http://a.example.com/'), bad).toThrow(/not an http:\/\/ or https:\/\/ URL/)
      expect(() => proxyFor('http://a.example.com/')).not.toThrow(/s3cret/)
      set({ HTTP_PROXY: bad, NO_PROXY: 'a.example.com' })
      expect(proxyFor('http://a.example.com/')).toBeUndefined()
    }
    set({ HTTPS_PROXY: 'https://u:p@proxy.corp:8443' })
    expect(proxyFor('https://a.example.com/')).toBe('https://u:p@proxy.corp:8443')
  })
})
