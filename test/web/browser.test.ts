/**
 * The pages in a real browser (Debian chromium via playwright-core) against a real server on a
 * free port, reading a copy of the bundled catalogue through the filesystem store, plus one
 * hostile template published into that copy.
 */
import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { chromium } from 'playwright-core'
import { recordProblems } from '../helpers/page-problems.js'
import type { Browser, Page } from 'playwright-core'
import semver from 'semver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWebRoutes } from '../../server/web/routes.js'
import { createFsStore } from '../../server/stores/fs.js'
import type { Store } from '../../server/stores/types.js'
import { makeIndex } from '../../shared/catalogue.js'
import { integrityOfText } from '../../shared/digest.js'
import { ROLES } from '../../shared/roles.js'
import type { Template, TemplateEntry } from '../../shared/types.js'
import { DOCS, HOSTILE, memoryDeps } from '../helpers/web.js'

const CHROMIUM = '/usr/bin/chromium'
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts')
const BUNDLED = join(import.meta.dirname, '..', '..', 'registry', 'templates')

let dir: string
let store: Store
let server: ReturnType<typeof serve>
let base: string
let browser: Browser
let glmVersions: string[]

async function publish(doc: Template): Promise<void> {
  const raw = `${JSON.stringify(doc, null, 2)}\n`
  await store.publish(doc.id, doc.version, raw, {
    publishedAt: '2026-01-01T00:00:00.000Z',
    integrity: integrityOfText(raw),
  })
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'web-browser-'))
  // The bundled catalogue when it has glm history; else the test fixtures stand in for it.
  const bundledGlm = existsSync(join(BUNDLED, 'glm'))
    ? (await readdir(join(BUNDLED, 'glm'))).filter((f) => /^\d.*\.json$/.test(f))
    : []
  if (bundledGlm.length >= 2) await cp(BUNDLED, join(dir, 'templates'), { recursive: true })
  else await mkdir(join(dir, 'templates'), { recursive: true })
  store = createFsStore({ dir })
  if (bundledGlm.length < 2) for (const doc of DOCS.filter((d) => d.id !== 'evil')) await publish(doc)
  await publish(DOCS.find((d) => d.id === 'evil')!)

  const app = new Hono()
  app.route(
    '/',
    createWebRoutes({
      getIndex: async () => {
        const entries = await Promise.all((await store.listIds()).map((id) => store.getEntry(id)))
        return makeIndex(entries.filter((e): e is TemplateEntry => e !== null))
      },
      getVersion: async (id, version) => {
        const raw = await store.getVersion(id, version)
        return raw === null ? null : (JSON.parse(raw) as Template)
      },
    }),
  )
  server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  glmVersions = Object.keys((await store.getEntry('glm'))!.versions).sort(semver.compare)
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
  await mkdir(ARTIFACTS, { recursive: true })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => server?.close(resolve))
  await store?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** A page that fails the test on any script error, CSP violation or dialog. */
async function openPage(options: { javaScriptEnabled?: boolean; width?: number } = {}) {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: options.width ?? 1280, height: 900 },
  })
  const page = await context.newPage()
  const problems = recordProblems(page)
  return { page, problems, close: () => context.close() }
}

/** The filter is right when exactly the cards whose text has the term are visible (the catalogue may grow). */
async function expectFilteredBy(page: Page, term: string) {
  const cards = await page.$$eval('li.card', (els) =>
    els.map((e) => ({ search: e.getAttribute('data-search') ?? '', hidden: e.hidden })),
  )
  expect(cards.length).toBeGreaterThan(0)
  for (const card of cards) expect(card.hidden, card.search).toBe(!card.search.includes(term))
  expect(await visibleCardIds(page)).toContain(term)
}

const visibleCardIds = (page: Page) =>
  page.$$eval('li.card:not([hidden]) .tag[title="template id"]', (els) => els.map((e) => e.textContent))

describe('web catalogue in chromium', () => {
  it('filters as you type, opens a template and compares two versions', async () => {
    const { page, problems, close } = await openPage()
    await page.goto(`${base}/`)
    await page.screenshot({ path: join(ARTIFACTS, 'catalogue.png'), fullPage: true })
    const all = await visibleCardIds(page)
    expect(all).toContain('glm')
    expect(all.length).toBeGreaterThan(2)

    await page.getByLabel('Search templates').pressSequentially('glm')
    await expectFilteredBy(page, 'glm')
    const matches = (await visibleCardIds(page)).length
    expect(matches).toBeLessThan(all.length)
    await expect.poll(() => page.textContent('#count')).toBe(`${matches} template${matches === 1 ? '' : 's'} match`)
    await page.getByLabel('Search templates').fill('no-such-provider')
    expect(await page.isVisible('#empty')).toBe(true)
    await page.getByLabel('Search templates').fill('')
    expect((await visibleCardIds(page)).length).toBe(all.length)

    await page.click('a[href="/t/glm"]')
    await page.waitForURL(`${base}/t/glm`)
    await page.screenshot({ path: join(ARTIFACTS, 'template-glm.png'), fullPage: true })
    expect(await page.textContent('h1')).not.toBe('')
    expect(await page.isVisible('button[data-copy]')).toBe(true)

    const from = glmVersions[0]!
    const to = glmVersions.at(-1)!
    await page.getByLabel('From version', { exact: true }).selectOption(from)
    await page.getByLabel('To version', { exact: true }).selectOption(to)
    await page.getByRole('button', { name: 'Compare' }).click()
    await page.waitForURL(/from=/)
    expect(new URL(page.url()).searchParams.get('from')).toBe(from)

    const [a, b] = await Promise.all(
      [from, to].map(async (v) => JSON.parse((await store.getVersion('glm', v))!) as Template),
    )
    const changedModels = ROLES.filter((r) => a!.models[r] !== b!.models[r]).map((r) => b!.models[r])
    expect(changedModels.length).toBeGreaterThan(0)
    const added = await page.$$eval('#diff ins', (els) => els.map((e) => e.textContent))
    for (const model of changedModels) expect(added).toContain(model)
    expect(problems).toEqual([])
    await close()
  })

  it('renders hostile template fields as text and runs no script of theirs', async () => {
    const { page, problems, close } = await openPage()
    await page.goto(`${base}/?q=${encodeURIComponent('<script>')}`)
    expect(await page.textContent('li.card:not([hidden]) h2')).toBe(HOSTILE)
    await page.click('li.card:not([hidden]) h2 a')
    await page.waitForURL(`${base}/t/evil`)
    expect(await page.textContent('h1')).toBe(HOSTILE)
    expect(await page.$$eval('td.mono', (els) => els.map((e) => e.textContent))).toContain(
      '</td><script>alert(5)</script>',
    )
    expect(await page.$$('script')).toHaveLength(1)
    expect(await page.$$('a[href^="javascript:"]')).toHaveLength(0)
    expect(problems).toEqual([])
    await close()
  })

  it('works without JavaScript: server-side search and the version form', async () => {
    const { page, close } = await openPage({ javaScriptEnabled: false })
    await page.goto(`${base}/`)
    await page.getByLabel('Search templates').fill('glm')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForURL(/q=glm/)
    await expectFilteredBy(page, 'glm')
    await page.goto(`${base}/t/glm`)
    expect(await page.isVisible('button[data-copy]')).toBe(false)
    await page.getByLabel('From version', { exact: true }).selectOption(glmVersions[0]!)
    await page.getByRole('button', { name: 'Compare' }).click()
    await page.waitForURL(/from=/)
    expect(await page.$$('#diff')).toHaveLength(1)
    await close()
  })

  it('gives every page one h1, a language and a name for every control', async () => {
    const { page, close } = await openPage()
    for (const path of ['/', '/t/glm', '/t/no-such-template']) {
      await page.goto(`${base}${path}`)
      expect(await page.getAttribute('html', 'lang'), path).toBe('en')
      expect(await page.$$('h1'), path).toHaveLength(1)
      const unnamed = await page.$$eval(
        'input, select, button',
        (els) =>
          els.filter(
            (e) =>
              !(e as unknown as { labels?: { length: number } }).labels?.length &&
              !e.getAttribute('aria-label') &&
              !e.textContent?.trim(),
          ).length,
      )
      expect(unnamed, path).toBe(0)
    }
    await close()
  })

  it('shows the model timeline at 390 px: the page does not scroll sideways, the SVG scrolls in its box', async () => {
    const { page, problems, close } = await openPage({ width: 390 })
    await page.goto(`${base}/t/glm`)
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(
      0,
    )
    const box = await page.$eval('.timeline', (el) => ({
      client: el.clientWidth,
      overflow: (globalThis as unknown as { getComputedStyle(e: unknown): { overflowX: string } }).getComputedStyle(el)
        .overflowX,
    }))
    expect(box.overflow).toBe('auto')
    expect(box.client).toBeLessThanOrEqual(390)
    expect(await page.$$eval('svg.tl g.cell', (els) => els.length)).toBe(glmVersions.length * ROLES.length)
    expect(await page.textContent('svg.tl desc')).toMatch(/^default: /)
    await page.$eval('.timeline', (el) => el.scrollTo({ left: el.scrollWidth }))
    await page.locator('.timeline').screenshot({ path: join(ARTIFACTS, 'timeline-390.png') })
    expect(problems).toEqual([])
    await close()
  })

  it('searches a catalogue too large to list whole through search.json, also from ?q= in the URL, at the root and under a base', async () => {
    const many = Array.from({ length: 420 }, (_, i) => ({
      ...DOCS[0]!,
      id: `p${String(i).padStart(4, '0')}`,
      name: `Provider ${i}`,
    }))
    // Under a base (build --base, a GitHub Pages project site) the script fetches <base>search.json
    // and links cards under it: the app mounted there sees only requests under the prefix.
    for (const prefix of ['', '/sub/path']) {
      const app = new Hono()
      app.route('/', createWebRoutes({ ...memoryDeps(many), base: `${prefix}/` }))
      // What a static host does with a tree built for the base: serves it under the prefix only.
      const seen: string[] = []
      const outer = {
        fetch: (req: Request) => {
          const u = new URL(req.url)
          seen.push(u.pathname)
          if (!u.pathname.startsWith(`${prefix}/`)) return new Response('not under the base', { status: 404 })
          u.pathname = u.pathname.slice(prefix.length)
          return app.fetch(new Request(u, req))
        },
      }
      const big = await new Promise<ReturnType<typeof serve>>((resolve) => {
        const s = serve({ fetch: outer.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
      })
      const url = `http://127.0.0.1:${(big.address() as AddressInfo).port}${prefix}`
      const { page, problems, close } = await openPage()
      try {
        await page.goto(`${url}/`)
        expect(await page.$$eval('li.card', (els) => els.length)).toBe(300)
        // p0419 is not among the 300 listed cards: only the search document knows it.
        await page.getByLabel('Search templates').pressSequentially('p0419')
        await expect.poll(() => visibleCardIds(page)).toEqual(['p0419'])
        await expect.poll(() => page.textContent('#count')).toBe('1 template match')
        await page.goto(`${url}/?q=provider%20418`)
        await expect.poll(() => visibleCardIds(page)).toEqual(['p0418'])
        expect(await page.getAttribute('li.card h2 a', 'href')).toBe(`${prefix}/t/p0418`)
        await page.click('li.card h2 a')
        await page.waitForURL(`${url}/t/p0418`)
        expect(await page.textContent('h1')).toBe('Provider 418')
        expect(seen).toContain(`${prefix}/search.json`)
        expect(seen.filter((p) => !p.startsWith(`${prefix}/`))).toEqual([])
        expect(problems).toEqual([])
      } finally {
        await close()
        big.close()
      }
    }
  })

  it('fits a phone screen without sideways scrolling', async () => {
    const { page, problems, close } = await openPage({ width: 375 })
    for (const path of ['/', '/t/glm']) {
      await page.goto(`${base}${path}`)
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')
      expect(overflow, path).toBeLessThanOrEqual(0)
    }
    await page.screenshot({ path: join(ARTIFACTS, 'template-glm-phone.png'), fullPage: true })
    await page.goto(`${base}/`)
    await page.screenshot({ path: join(ARTIFACTS, 'catalogue-phone.png'), fullPage: true })
    expect(problems).toEqual([])
    await close()
  })
})
