import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { CliError } from '../../shared/errors.js'
import { normalizeBase } from '../../server/web/base.js'
import { createWebRoutes } from '../../server/web/routes.js'
import { memoryDeps } from '../helpers/web.js'

/**
 * `build --base /<repo>/`: the pages of a GitHub Pages project site link under the base. Every link,
 * form and the script's data-base of every kind of page must start with it: one root-relative link
 * left (`href="/t/glm"`) is a dead link on such a site.
 */

async function pages(base?: string): Promise<Record<string, string>> {
  const app = new Hono()
  app.route('/', createWebRoutes({ ...memoryDeps(), ...(base ? { base } : {}) }))
  const out: Record<string, string> = {}
  for (const path of ['/', '/?q=nothing-matches-this', '/t/glm', '/t/glm?from=2.0.0&to=2.1.0', '/t/@acme/gw', '/t/-']) {
    const res = await app.request(`http://localhost${path}`)
    out[path] = await res.text()
  }
  return out
}

/** Every URL an attribute of the page points at, except `data:` and other sites. */
const ownUrls = (html: string): string[] =>
  [...html.matchAll(/\s(?:href|action|src)="([^"]*)"/g)].map((m) => m[1]!).filter((u) => !/^(?:data:|https?:)/.test(u))

describe('normalizeBase (build --base)', () => {
  it.each([
    ['/', '/'],
    ['', '/'],
    ['/claude-multi/', '/claude-multi/'],
    ['/claude-multi', '/claude-multi/'],
    ['claude-multi', '/claude-multi/'],
    ['/a/b.c/d_e~f/', '/a/b.c/d_e~f/'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeBase(input)).toBe(expected)
  })

  it.each([
    '/../etc/',
    '/a/./b/',
    '/a//b/',
    '/a b/',
    '/a?x=1',
    '/a#x',
    '/"><script>/',
    '/%2e%2e/',
    `/${'a'.repeat(101)}/`,
    'https://example.com/a/',
  ])('refuses %j with a usage error naming the flag', (input) => {
    expect(() => normalizeBase(input)).toThrow(CliError)
    expect(() => normalizeBase(input)).toThrow(/^--base ".*" is not a URL path of plain segments$/)
  })
})

describe('pages rendered for a base', () => {
  it('link, post and fetch only under /sub/path/', async () => {
    for (const [path, html] of Object.entries(await pages('/sub/path/'))) {
      expect(html, path).toContain('<html lang="en" data-base="/sub/path/">')
      const urls = ownUrls(html)
      expect(urls.length, path).toBeGreaterThan(2)
      expect(
        urls.filter((u) => !u.startsWith('/sub/path/')),
        path,
      ).toEqual([])
    }
    const all = await pages('/sub/path/')
    expect(all['/']).toContain('href="/sub/path/t/glm"')
    expect(all['/']).toContain('action="/sub/path/"')
    expect(all['/t/glm']).toContain('action="/sub/path/t/glm#compare"')
    expect(all['/t/glm']).toContain('href="/sub/path/v1/index.json"')
    expect(all['/t/-']).toContain('href="/sub/path/">Browse all templates')
  })

  it('stay at the root by default, byte for byte what they were', async () => {
    const [root, explicit] = await Promise.all([pages(), pages('/')])
    expect(explicit).toEqual(root)
    for (const [path, html] of Object.entries(root)) {
      expect(html, path).toContain('<html lang="en" data-base="/">')
      expect(
        ownUrls(html).filter((u) => !u.startsWith('/')),
        path,
      ).toEqual([])
    }
    expect(root['/']).toContain('href="/t/glm"')
  })
})
