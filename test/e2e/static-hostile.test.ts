/**
 * Attack: hostile template text through `build --out` into the static tree, read in Chromium from a
 * plain static host (Python's http.server, which sends no headers: the `<meta>` CSP is the only
 * policy). A catalogue above 300 templates, so search goes through `/search.json` and the page's
 * script builds the cards from it. Documents are written straight into the data directory (what a
 * merged pull request that skipped `validate` would hold), so nothing upstream filters them.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { recordProblems } from '../helpers/page-problems.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFsStore } from '../../server/stores/fs.js'
import { integrityOfText } from '../../shared/digest.js'
import type { Template } from '../../shared/types.js'
import { runCli } from '../helpers/server.js'
import { DOCS, HOSTILE } from '../helpers/web.js'

const work = mkdtempSync(join(tmpdir(), 'cm-static-hostile-'))
const out = join(work, 'public')
let python: ChildProcess
let url = ''
let browser: Browser

/** Model names and dates that try to leave the SVG text node or the table cell of the timeline. */
const SVG_BREAK = ']]></text><script>alert(7)</script><text>'
const evil = DOCS.find((d) => d.id === 'evil')!
const HOSTILE_DOCS: Template[] = [
  evil,
  {
    ...evil,
    version: '1.1.0',
    // U+202E and U+2028 are refused by the schema, not by the pages: here they get through.
    description: `\u202eevil\u2028</p><svg onload=alert(8)>`,
    models: { ...evil.models, sonnet: SVG_BREAK, opus: '"><img src=x onerror=alert(9)>' },
    retired: { [SVG_BREAK]: '<iframe src=javascript:alert(10)>' },
    changelog: `${'<script>alert(11)</script>'.repeat(700)}`,
  },
]

function startPython(dir: string): Promise<string> {
  python = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  return new Promise((done, reject) => {
    let said = ''
    python.stdout!.on('data', (b: Buffer) => {
      said += b.toString()
      const port = /port (\d+)/.exec(said)?.[1]
      if (port) done(`http://127.0.0.1:${port}`)
    })
    python.once('exit', (code) => reject(new Error(`http.server exited (${code})`)))
  })
}

beforeAll(async () => {
  const data = join(work, 'data')
  const store = createFsStore({ dir: data })
  const docs = [
    ...HOSTILE_DOCS,
    ...Array.from({ length: 320 }, (_, i) => ({ ...DOCS[0]!, id: `p${String(i).padStart(4, '0')}`, name: `P ${i}` })),
  ]
  for (const doc of docs) {
    const raw = `${JSON.stringify(doc, null, 2)}\n`
    await store.publish(doc.id, doc.version, raw, {
      publishedAt: '2026-01-01T00:00:00.000Z',
      integrity: integrityOfText(raw),
    })
  }
  await store.close()
  const built = runCli(['build', '--out', out, '--data', data])
  expect(built.code, built.stderr).toBe(0)
  url = await startPython(out)
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  python?.kill()
  rmSync(work, { recursive: true, force: true })
})

/** A page that records every dialog, script error and console error (a CSP refusal is one). */
async function open() {
  const page = await browser.newPage()
  const problems = recordProblems(page)
  return { page, problems }
}

describe('hostile template text through build --out, in Chromium on a static host', () => {
  it('writes only the files of the tree, under the output directory', () => {
    const files = readdirSync(out, { recursive: true, encoding: 'utf8' }).map((f) => relative(out, resolve(out, f)))
    expect(files.every((f) => !f.startsWith('..'))).toBe(true)
    expect(files).toContain('t/evil/index.html')
    expect(JSON.parse(readFileSync(join(out, 'search.json'), 'utf8')).templates).toHaveLength(321)
  })

  it('the search document builds the hostile card as text, and nothing of theirs runs', async () => {
    const { page, problems } = await open()
    await page.goto(`${url}/?q=${encodeURIComponent('<script>')}`)
    // Not among the 300 listed cards (ids sort after p0299): the script found it in /search.json.
    await expect.poll(() => page.textContent('li.card:not([hidden]) h2')).toBe(HOSTILE)
    expect(await page.textContent('#count')).toBe('1 template match')
    expect(await page.$$eval('li.card:not([hidden]) p', (els) => els.map((e) => e.textContent))).toEqual([
      `\u202eevil\u2028</p><svg onload=alert(8)>`,
    ])
    expect(await page.$$('svg:not(.tl), img, iframe')).toHaveLength(0)
    expect(await page.$$('script')).toHaveLength(1)
    expect(problems).toEqual([])
  })

  it('the template page and its timeline show every hostile value as text under the meta CSP', async () => {
    const { page, problems } = await open()
    await page.goto(`${url}/t/evil/`)
    expect(await page.textContent('h1')).toBe(HOSTILE)
    expect(await page.$$eval('svg.tl g.cell text', (els) => els.map((e) => e.textContent))).toContain(
      `${SVG_BREAK.slice(0, 15)}…`,
    )
    expect(await page.$$eval('svg.tl g.cell title', (els) => els.map((e) => e.textContent))).toContain(
      `sonnet in v1.1.0: ${SVG_BREAK}, changed, retired`,
    )
    expect(await page.textContent('svg.tl desc')).toContain(SVG_BREAK)
    expect(await page.$$('script')).toHaveLength(1)
    expect(await page.$$('img, iframe, foreignObject, a[href^="javascript:"]')).toHaveLength(0)
    expect(await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content')).toMatch(
      /^default-src 'none'; style-src 'sha256-[^']+'; script-src 'sha256-[^']+';/,
    )
    expect(problems).toEqual([])
  })
})
