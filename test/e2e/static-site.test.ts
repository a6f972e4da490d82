/**
 * The public catalogue as a static site, end to end with real processes: `keygen`, `build --out
 * --sign-key --base`, the tree served by Python's `http.server` (no registry code at all) under a
 * sub-path as GitHub Pages serves a project site (`/<repo>/`), the real client pinning the key and
 * adding, checking and syncing against `http://host:port/sub/path/`, and the pages in Chromium.
 * Nothing may be asked for outside the sub-path: the server's access log is checked.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Sandbox, sandbox } from '../helpers/client.js'
import { runCli } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

const CHROMIUM = '/usr/bin/chromium'
const work = mkdtempSync(join(tmpdir(), 'cm-static-site-'))
/** The site is served from `work/site`; the build goes where `/sub/path/` is. */
const SUB = '/sub/path'
const out = join(work, 'site', ...SUB.split('/').filter(Boolean))
let python: ChildProcess
let pythonLog = ''
/** The site: `http://127.0.0.1:<port>/sub/path` (no trailing slash). */
let url = ''
let s: Sandbox

/** The paths of the requests the static server got that were not under the sub-path. */
const requestsOutside = () =>
  [...pythonLog.matchAll(/"[A-Z]+ (\S+) HTTP\/1\.[01]"/g)].map((m) => m[1]!).filter((p) => !p.startsWith(`${SUB}/`))

/** `python3 -m http.server` on a free port; resolves with its URL once it says it is serving. */
function startPython(dir: string): Promise<string> {
  python = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  python.stderr!.on('data', (b: Buffer) => (pythonLog += b.toString()))
  return new Promise((resolve, reject) => {
    let said = ''
    python.stdout!.on('data', (b: Buffer) => {
      said += b.toString()
      const port = /port (\d+)/.exec(said)?.[1]
      if (port) resolve(`http://127.0.0.1:${port}`)
    })
    python.once('exit', (code) => reject(new Error(`http.server exited (${code}): ${pythonLog}`)))
  })
}

beforeAll(async () => {
  expect(runCli(['keygen', '--out', join(work, 'k')]).code).toBe(0)
  const built = runCli(['build', '--out', out, '--base', `${SUB}/`, '--sign-key', join(work, 'k/signing-key.pem')])
  expect(built.code, built.stderr).toBe(0)
  url = `${await startPython(join(work, 'site'))}${SUB}`
  s = sandbox()
}, 60_000)

afterAll(() => {
  python?.kill()
  s?.cleanup()
  rmSync(work, { recursive: true, force: true })
})

describe('build --out --sign-key --base /sub/path/, served by python3 -m http.server from the parent dir', () => {
  it('writes the read API, the pages, the search index and a 404 page', () => {
    for (const file of [
      'v1/index.json',
      'v1/keys.json',
      'v1/templates/glm.json',
      'index.html',
      'search.json',
      '404.html',
      't/glm/index.html',
    ]) {
      expect(existsSync(join(out, file)), file).toBe(true)
    }
    const index = JSON.parse(readFileSync(join(out, 'v1/index.json'), 'utf8')) as {
      signature?: { keyId: string }
      expires?: string
    }
    expect(index.signature?.keyId).toMatch(/^[0-9a-f]{16}$/)
    expect(Date.parse(index.expires ?? '')).toBeGreaterThan(Date.now())
    const search = JSON.parse(readFileSync(join(out, 'search.json'), 'utf8')) as { templates: { id: string }[] }
    expect(search.templates.map((t) => t.id)).toContain('glm')
  })

  it('the real client pins the key, adds, checks and syncs against it', async () => {
    const added = s.cm(['registry', 'add', 'static', `${url}/`, '--key', join(work, 'k/public-key.json')])
    expect(added.code, added.stderr).toBe(0)
    expect(added.stdout).toMatch(/signing key [0-9a-f]{16} pinned/)
    const created = s.cm(['add', 'work', 'glm', '--registry', 'static', '--api-key-env', 'ZAI_KEY'])
    expect(created.code, created.stderr).toBe(0)
    const check = s.cm(['sync', '--check'])
    expect(check.code, check.stderr + check.stdout).toBe(0)
    const sync = s.cm(['sync'])
    expect(sync.code, sync.stderr).toBe(0)
    const latest = JSON.parse(readFileSync(join(out, 'v1/templates/glm.json'), 'utf8'))['dist-tags'].latest as string
    expect(s.runWrapper('work', { ZAI_KEY: 'k' }).ANTHROPIC_BASE_URL).toBe(
      JSON.parse(readFileSync(join(out, `v1/templates/glm/${latest}.json`), 'utf8')).baseUrl,
    )
    // Everything came from the static host: its access log has the signed per-id document the client
    // checks and the version document it installed.
    await waitFor(() => pythonLog.includes(`/v1/templates/glm/${latest}.json`))
    expect(pythonLog).toContain(`"GET ${SUB}/v1/templates/glm.json HTTP/1.1" 200`)
    expect(pythonLog).toContain(`"GET ${SUB}/v1/templates/glm/${latest}.json HTTP/1.1" 200`)
    expect(requestsOutside()).toEqual([])
  })

  it('a client that pinned another key refuses the same static site', () => {
    expect(runCli(['keygen', '--out', join(work, 'k2')]).code).toBe(0)
    const t = sandbox()
    try {
      const added = t.cm(['registry', 'add', 'other', `${url}/`, '--key', join(work, 'k2/public-key.json')])
      const res =
        added.code === 0 ? t.cm(['add', 'w', 'glm', '--registry', 'other', '--api-key-env', 'ZAI_KEY']) : added
      expect(res.code).not.toBe(0)
      expect(res.stderr).toMatch(/signed by key [0-9a-f]{16}, not by the pinned key/)
    } finally {
      t.cleanup()
    }
  })

  it('renders /sub/path/ and /sub/path/t/glm/ in Chromium with no console error, the timeline and search working, every link on the site', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    })
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 900 } })
      const problems: string[] = []
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`)
      })
      await page.goto(`${url}/`)
      expect(await page.textContent('h1')).toBe('Provider templates')
      expect(await page.$$eval('li.card', (els) => els.length)).toBeGreaterThan(3)
      await page.goto(`${url}/?q=glm`)
      const visible = await page.$$eval('li.card:not([hidden]) .tag[title="template id"]', (els) =>
        els.map((e) => e.textContent),
      )
      expect(visible).toContain('glm')
      const hidden = await page.$$eval('li.card[hidden]', (els) => els.map((e) => e.getAttribute('data-search') ?? ''))
      expect(hidden.length).toBeGreaterThan(0)
      expect(hidden.some((text) => text.includes('glm'))).toBe(false)
      expect(await page.textContent('#count')).toMatch(/ match$/)

      await page.click(`li.card:not([hidden]) a[href="${SUB}/t/glm"]`)
      await page.waitForURL(`${url}/t/glm/`)
      expect(await page.$$eval('svg.tl g.cell', (els) => els.length)).toBeGreaterThan(5)
      expect(await page.textContent('svg.tl desc')).toMatch(/^default: /)
      expect(
        await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'),
      ).toBeLessThanOrEqual(0)
      // Every link of the page stays on the site: back to the catalogue, and the read API.
      await page.click('a.brand')
      await page.waitForURL(`${url}/`)
      expect(await page.textContent('h1')).toBe('Provider templates')
      await page.goto(`${url}/t/glm/`)
      expect(await page.$$eval('svg.tl g.cell', (els) => els.length)).toBeGreaterThan(5)
      for (const href of await page.$$eval('a[href^="/"]', (els) => els.map((e) => e.getAttribute('href')!))) {
        expect(href.startsWith(`${SUB}/`), href).toBe(true)
        const res = await page.request.get(new URL(href, url).toString())
        expect(res.status(), href).toBe(200)
      }
      expect((await page.request.get(`${url}/t/no-such-thing`)).status()).toBe(404)
      expect(problems).toEqual([])
      expect(requestsOutside()).toEqual([])
    } finally {
      await browser.close()
    }
  })
})
