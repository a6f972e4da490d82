import { describe, expect, it } from 'vitest'
import { Hono } from 'hono'
import { createWebRoutes } from '../../server/web/routes.js'
import { timelineOf, timelineSummary } from '../../server/web/timeline.js'
import type { Template } from '../../shared/types.js'
import { DOCS, memoryDeps } from '../helpers/web.js'

const glm = DOCS.filter((d) => d.id === 'glm')
/** glm 2.2.0 retires glm-5.1 (its sonnet moves to glm-5.2), so the 2.1.0 cells show as retired. */
const v220: Template = {
  ...glm.at(-1)!,
  version: '2.2.0',
  models: { ...glm.at(-1)!.models, sonnet: 'glm-5.2' },
  retired: { 'glm-5.1': 'glm-5.2' },
}
const docs = new Map<string, Template | null>([...glm, v220].map((d) => [d.version, d]))
const dates: Record<string, string> = {
  '1.0.0': '2025-01-02T00:00:00.000Z',
  '2.0.0': '2025-03-04T00:00:00.000Z',
  '2.1.0': '2025-05-06T00:00:00.000Z',
  '2.2.0': '2025-07-08T00:00:00.000Z',
}
const meta = (v: string) => ({ publishedAt: dates[v], ...(v === '1.0.0' ? { deprecated: 'old' } : {}) })

describe('timelineOf', () => {
  it('runs oldest to newest, marks changes against the version before and models retired by any version', () => {
    const t = timelineOf(['2.2.0', '2.1.0', '2.0.0', '1.0.0'], docs, meta)
    expect(t.columns.map((c) => [c.version, c.date, c.deprecated])).toEqual([
      ['1.0.0', '2025-01-02', true],
      ['2.0.0', '2025-03-04', false],
      ['2.1.0', '2025-05-06', false],
      ['2.2.0', '2025-07-08', false],
    ])
    const sonnet = t.rows.find((r) => r.role === 'sonnet')!.cells
    expect(sonnet.map((c) => [c.model, c.changed, c.retired])).toEqual([
      ['glm-4.5', false, false],
      ['glm-4.6', true, false],
      ['glm-5.1', true, true],
      ['glm-5.2', true, false],
    ])
    const fast = t.rows.find((r) => r.role === 'fast')!.cells
    expect(fast.every((c) => !c.changed)).toBe(true)
    expect(timelineSummary(t)).toContain(
      'sonnet: glm-4.5 in v1.0.0, then glm-4.6 in v2.0.0 (2025-03-04), then glm-5.1 in v2.1.0 (2025-05-06), then glm-5.2 in v2.2.0 (2025-07-08); now glm-5.2.',
    )
    expect(timelineSummary(t)).toContain('fast: glm-4.5-air in every version.')
  })

  it('skips versions whose document is missing', () => {
    const t = timelineOf(['2.1.0', '2.0.0', '1.0.0'], new Map([...docs, ['2.0.0', null]]), meta)
    expect(t.columns.map((c) => c.version)).toEqual(['1.0.0', '2.1.0'])
    expect(t.rows[0]!.cells[1]!.changed).toBe(true)
  })
})

describe('the timeline on /t/<id>', () => {
  it('is an SVG with a title, a description and a table fallback, and no script', async () => {
    const app = new Hono()
    app.route('/', createWebRoutes(memoryDeps()))
    const body = await (await app.request('http://localhost/t/glm')).text()
    const svg = body.slice(body.indexOf('<svg'), body.indexOf('</svg>') + 6)
    expect(svg).toMatch(
      /^<svg class="tl" width="\d+" height="\d+" viewBox="0 0 \d+ \d+" role="img" aria-labelledby="tl-title tl-desc"/,
    )
    expect(svg).toContain('<title id="tl-title">Models of Z.ai GLM by role, version by version</title>')
    expect(svg).toMatch(/<desc id="tl-desc">default: glm-4.5 in v1.0.0, then glm-4.6 in v2.0.0/)
    expect(svg).not.toMatch(/<script|on[a-z]+=|style=/i)
    // Three versions, five roles: 15 cells, each with its own title naming role, version and model.
    expect(svg.match(/<g class="cell[^"]*">/g)).toHaveLength(15)
    expect(svg).toContain('<title>opus in v2.1.0: glm-5.1, changed</title>')
    expect(svg.match(/<g class="cell chg">/g)).toHaveLength(6)
    expect(body).toContain('<summary>The timeline as a table</summary>')
    expect(body).toMatch(
      /<th scope="row">sonnet<\/th><td class="mono">glm-4.5<\/td><td class="mono model"><strong>glm-4.6<\/strong>/,
    )
  })

  it('is left out for a template with one version', async () => {
    const app = new Hono()
    app.route('/', createWebRoutes(memoryDeps()))
    const body = await (await app.request('http://localhost/t/oldprov')).text()
    expect(body).not.toContain('<svg')
  })
})
