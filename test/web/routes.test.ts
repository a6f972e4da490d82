import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { createWebRoutes } from '../../server/web/routes.js'
import { DOCS, HOSTILE, memoryDeps } from '../helpers/web.js'

function appWith(deps = memoryDeps()) {
  const app = new Hono()
  app.route('/', createWebRoutes(deps))
  return app
}

const get = async (path: string, app = appWith()) => {
  const res = await app.request(`http://localhost${path}`)
  return { res, body: await res.text() }
}

describe('GET /', () => {
  it('lists every template with latest version, host and deprecation', async () => {
    const { res, body } = await get('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(body.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(body).toContain('href="/t/glm"')
    expect(body).toContain('href="/t/@acme/gw"')
    expect(body).toContain('v2.1.0')
    expect(body).toContain('api.z.ai')
    expect(body).toMatch(/<span class="tag dep" title="provider shut down">deprecated<\/span>/)
    expect(body).toContain('5 templates')
  })

  it('filters with ?q= without JavaScript, keeping the others hidden for the script', async () => {
    const { body } = await get('/?q=z.ai%20glm')
    expect(body).toContain('1 template match')
    expect(body).toContain('value="z.ai glm"')
    const cards = body.split('<li class="card"').slice(1)
    const visible = cards.filter((c) => !/^[^>]*hidden/.test(c))
    expect(visible).toHaveLength(1)
    expect(visible[0]).toContain('/t/glm')
  })

  it('bounds what it echoes of the query', async () => {
    const { res, body } = await get(`/?q=${'x'.repeat(5000)}`)
    expect(res.status).toBe(200)
    expect(body).toContain(`value="${'x'.repeat(200)}"`)
    expect(body).not.toContain('x'.repeat(201))
  })

  it('says so when nothing matches', async () => {
    const { body } = await get('/?q=nothing-like-this')
    expect(body).toContain('0 templates match')
    expect(body).toMatch(/<p id="empty" class="notice">No template matches/)
  })

  it('lists only the first matches of a large catalogue and searches all of it on the server', async () => {
    const many = Array.from({ length: 400 }, (_, i) => ({
      ...DOCS[0]!,
      id: `p${String(i).padStart(4, '0')}`,
      name: `Provider ${i}`,
    }))
    const app = appWith(memoryDeps(many))
    const all = await get('/', app)
    expect(all.body.split('<li class="card"')).toHaveLength(301)
    expect(all.body).toContain('400 templates; the first 300 are listed')
    expect(all.body).toContain('data-partial="400"')
    const one = await get('/?q=p0399', app)
    expect(one.body.split('<li class="card"')).toHaveLength(2)
    expect(one.body).toContain('href="/t/p0399"')
  })

  it('escapes hostile template fields', async () => {
    const { body } = await get('/')
    expect(body).not.toContain(HOSTILE)
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(body).not.toContain('<img src=x')
    expect(body.match(/<script>/g)).toHaveLength(1)
  })

  it('sets a CSP allowing only its own script and style by hash', async () => {
    const { res } = await get('/')
    const csp = res.headers.get('content-security-policy')!
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/)
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/)
    expect(csp).toContain("default-src 'none'")
    expect(csp).not.toContain('unsafe-inline')
  })

  it('answers a repeated request with 304 and re-renders when the index changes', async () => {
    const deps = memoryDeps()
    const app = appWith(deps)
    const first = await app.request('http://localhost/')
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^W\/"/)
    expect((await app.request('http://localhost/', { headers: { 'if-none-match': etag } })).status).toBe(304)

    // The index service hands out a new object on every change (publish, deprecate).
    const index = await deps.getIndex()
    const changed = structuredClone(index)
    changed.templates.glm!.versions['2.1.0']!.deprecated = 'use glm-next'
    deps.getIndex = async () => changed
    const after = await app.request('http://localhost/', { headers: { 'if-none-match': etag } })
    expect(after.status).toBe(200)
    expect(await after.text()).toContain('title="use glm-next">deprecated')
  })

  it('renders once for concurrent first requests', async () => {
    const deps = memoryDeps()
    const app = appWith(deps)
    const answers = await Promise.all(Array.from({ length: 5 }, () => app.request('http://localhost/')))
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
    expect(deps.calls).toBe(5) // one latest document per template, not per request
  })

  it('reads each immutable version document once', async () => {
    const deps = memoryDeps()
    const app = appWith(deps)
    await get('/', app)
    const first = deps.calls
    await get('/', app)
    expect(deps.calls).toBe(first)
  })
})

describe('a template with thousands of versions (attack: one page of hundreds of MB per ?from= value)', () => {
  // 600 versions with the longest changelog the schema allows: 12 MB of changelogs, more than
  // the page cache held for each distinct `?from=` a visitor sent, up to 500 of them.
  const glm = DOCS.find((d) => d.id === 'glm' && d.version === '2.1.0')!
  const many = Array.from({ length: 600 }, (_, i) => ({
    ...glm,
    id: 'big',
    version: `1.${i}.0`,
    models: { ...glm.models, sonnet: `model-${i}` },
    changelog: `${'x'.repeat(99)}\n`.repeat(200),
  }))

  it('reads and shows only the newest versions in full, whatever a publisher published', async () => {
    const deps = memoryDeps(many)
    const app = appWith(deps)
    const { res, body } = await get('/t/big', app)
    expect(res.status).toBe(200)
    expect(deps.calls).toBeLessThanOrEqual(52)
    expect(body.length).toBeLessThan(2 * 1024 * 1024)
    expect(body.match(/<g class="head/g)).toHaveLength(50)
    expect(body).toContain('The newest 50 of 600 versions.')
    expect(body).toContain('550 older versions are in the compare lists above')
    // Every version can still be compared: an old pair reads just those two documents.
    const before = deps.calls
    const old = await get('/t/big?from=1.0.0&to=1.1.0', app)
    expect(old.res.status).toBe(200)
    expect(old.body).toContain('<ins class="add">model-1</ins>')
    expect(deps.calls - before).toBe(2)
    const bad = await get('/t/big?from=nope', app)
    expect(bad.res.status).toBe(400)
    expect(bad.body).toContain('No published version nope')
  })
})

describe('mounted next to other routes', () => {
  it('adds its headers to its own pages only', async () => {
    const app = new Hono()
    app.route('/', createWebRoutes(memoryDeps()))
    app.get('/v1/index.json', (c) => c.json({}, 200, { 'Cache-Control': 'public, max-age=31536000' }))
    const res = await app.request('http://localhost/v1/index.json')
    expect(res.headers.get('content-security-policy')).toBeNull()
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000')
    expect((await app.request('http://localhost/t/glm')).headers.get('content-security-policy')).toContain(
      "script-src 'sha256-",
    )
  })
})

describe('GET /t/<id>', () => {
  it('shows versions with dates and changelog, the role table and the add command', async () => {
    const { res, body } = await get('/t/glm')
    expect(res.status).toBe(200)
    expect(body).toContain('<h1>Z.ai GLM</h1>')
    expect(body).toMatch(/<time datetime="2026-01-03T00:00:00.000Z">2026-01-03<\/time>/)
    expect(body).toContain('GLM-4.6 for every big role.')
    expect(body).toMatch(
      /<th scope="row">opus<div class="var">ANTHROPIC_<wbr\/>DEFAULT_<wbr\/>OPUS_<wbr\/>MODEL<\/div><\/th><td class="mono model">glm-5.1<\/td>/,
    )
    expect(body).toContain('claude-multi add glm glm')
    // default comparison: latest against the one before it
    expect(body).toContain('<del class="del">glm-4.6</del>')
    expect(body).toContain('<ins class="add">glm-5.1</ins>')
    expect(body).toContain('<ins class="add">600000</ins>')
  })

  it("shows each role's context window and the window wrappers set; a model chosen at setup is read then", async () => {
    const { body } = await get('/t/glm')
    expect(body).toMatch(
      /MODEL<\/div><\/th><td class="mono model">glm-5.1<\/td><td class="mono">200,000<div class="var">output ≤ 128,000<\/div><\/td>/,
    )
    expect(body).toMatch(/glm-4.5-air<\/td><td class="mono">131,072<div class="var">output ≤ 96,000<\/div><\/td>/)
    expect(body).toContain('Wrappers set <code>CLAUDE_CODE_AUTO_COMPACT_WINDOW=200000</code>')
    // The version before had no limits: the comparison shows the window arriving.
    expect(body).toMatch(
      /CLAUDE_<wbr\/>CODE_<wbr\/>AUTO_<wbr\/>COMPACT_<wbr\/>WINDOW<\/div><\/th><td class="mono" data-label="v2.0.0"><span class="muted">\(not set\)<\/span><\/td><td class="mono" data-label="v2.1.0"><ins class="add">200000<\/ins>/,
    )
    const router = await get('/t/router')
    expect(router.body).toContain('<td class="muted">read at setup</td>')
    expect(router.body).not.toContain('id="window"')
    expect((await get('/t/oldprov')).body).toContain('<td class="muted">not declared</td>')
  })

  it('compares two chosen versions per variable, listing only what changed', async () => {
    const { body } = await get('/t/glm?from=1.0.0&to=2.0.0')
    expect(body).toMatch(/<option value="1.0.0" selected="">/)
    const start = body.indexOf('<table id="diff"')
    const diff = body.slice(start, body.indexOf('</table>', start)).replaceAll('<wbr/>', '')
    expect(diff).toContain('<del class="del">glm-4.5</del>')
    expect(diff).toContain('<ins class="add">glm-4.6</ins>')
    expect(diff).toContain('ANTHROPIC_DEFAULT_SONNET_MODEL')
    expect(diff).not.toContain('ANTHROPIC_SMALL_FAST_MODEL') // glm-4.5-air in both
    expect(diff).not.toContain('ANTHROPIC_BASE_URL')
  })

  it('reports an unknown version with 400, not a 500', async () => {
    const { res, body } = await get('/t/glm?from=9.9.9&to=2.1.0')
    expect(res.status).toBe(400)
    expect(body).toContain('No published version 9.9.9')
  })

  it('serves scoped ids as written and encoded', async () => {
    for (const path of ['/t/@acme/gw', '/t/@acme%2Fgw', '/t/@acme/gw/']) {
      const { res, body } = await get(path)
      expect(res.status, path).toBe(200)
      expect(body).toContain('claude-multi add gw @acme/gw')
    }
  })

  it('keeps input placeholders visible instead of failing', async () => {
    const { res, body } = await get('/t/router')
    expect(res.status).toBe(200)
    expect(body).toContain('{{model}}')
    expect(body).toContain('claude-multi add router router --input model=MODEL<')
    expect(body).toContain('(one of <code>pro</code>, <code>&lt;max&gt;</code>)')
    expect(body).toContain('Only one version is published')
  })

  it('answers a path of 200,000 slashes at once (a regex trim was quadratic: 200 ms per 16 KB request line)', {
    timeout: 10_000,
  }, async () => {
    for (const path of [`/t/${'/'.repeat(200_000)}a`, `/t/glm${'/'.repeat(200_000)}`, `/t/${'a'.repeat(200_000)}`]) {
      const { res } = await get(path)
      expect(res.status, path.slice(0, 12)).toBe(path.startsWith('/t/glm/') ? 200 : 404)
    }
  })

  it('answers an unknown or malformed id with a 404 HTML page', async () => {
    for (const path of ['/t/nope', '/t/..%2F..%2Fetc', '/t/%E0%A4%A', '/t/']) {
      const { res, body } = await get(path)
      expect(res.status, path).toBe(404)
      expect(res.headers.get('content-type')).toMatch(/^text\/html/)
      expect(body).toContain('Template not found')
    }
  })

  it('renders every hostile field as text and never links a javascript: homepage', async () => {
    const { res, body } = await get('/t/evil')
    expect(res.status).toBe(200)
    expect(body.match(/<script>/g)).toHaveLength(1)
    expect(body).not.toContain('javascript:')
    expect(body).toContain('&lt;b&gt;bold&lt;/b&gt;')
    expect(body).toContain('&lt;/td&gt;&lt;script&gt;alert(5)&lt;/script&gt;')
    expect(body).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt; — claude-multi registry</title>')
  })
})
