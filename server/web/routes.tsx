import { etagOf } from '../../shared/digest.js'
import { Hono } from 'hono'
import type { Context, MiddlewareHandler } from 'hono'
import type { JSX } from 'hono/jsx/jsx-runtime'
import { decodeId, isValidId, MAX_ID_LENGTH } from '../../shared/ids.js'
import type { RegistryIndex, Template } from '../../shared/types.js'
import { mapLimit } from '../map-limit.js'
import { CSP } from './assets.js'
import { BasePath } from './base.js'
import { CataloguePage } from './catalogue-page.js'
import { sortVersions } from '../../shared/versions.js'
import { type CatalogueRow, catalogueRow, compareEnv, DETAILED_VERSIONS, envOf, latestOf, listIds } from './model.js'
import { NotFoundPage } from './not-found-page.js'
import { TemplatePage } from './template-page.js'
import { timelineOf } from './timeline.js'
import type { Comparison, VersionRow } from './template-page.js'

export interface WebDeps {
  getIndex(): Promise<RegistryIndex>
  getVersion(id: string, version: string): Promise<Template | null>
  /** The path the pages link under (server/web/base.ts); default `/`. */
  base?: string
}

/** Rendered pages kept per index; cleared when full, since `?q=` can take any value. */
const PAGE_LIMIT = 500
/** ...and by their bytes: 500 pages of a template with thousands of versions were gigabytes. */
const PAGE_BYTES_LIMIT = 64 * 1024 * 1024
const MAX_QUERY = 200

/** Versions are immutable, so parsed documents can be kept; bounded so a huge registry cannot grow it forever. */
const CACHE_LIMIT = 2000
const SUMMARY_LIMIT = 100_000

/** The HTML catalogue (`/`, `/t/<id>`), mounted by the server app with `app.route('/', ...)`. */
export function createWebRoutes(deps: WebDeps): Hono {
  const app = new Hono()
  const cache = new Map<string, Template>()
  const base = deps.base ?? '/'
  const toPage = (element: JSX.Element, status?: Page['status'], complete?: boolean) =>
    renderPage(<BasePath.Provider value={base}>{element}</BasePath.Provider>, status, complete)

  const version = async (id: string, v: string): Promise<Template | null> => {
    const key = `${id}@${v}`
    const hit = cache.get(key)
    if (hit) return hit
    const doc = await deps.getVersion(id, v)
    if (doc) {
      if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string)
      cache.set(key, doc)
    }
    return doc
  }

  /** What a catalogue row needs of a latest version, kept apart so a big catalogue does not evict documents. */
  const summaries = new Map<string, Pick<Template, 'baseUrl' | 'deprecated'>>()
  const summary = async (id: string, v: string) => {
    const key = `${id}@${v}`
    const hit = summaries.get(key)
    if (hit) return hit
    const doc = await version(id, v)
    if (!doc) return null
    if (summaries.size >= SUMMARY_LIMIT) summaries.clear()
    const small = { baseUrl: doc.baseUrl, ...(doc.deprecated ? { deprecated: doc.deprecated } : {}) }
    summaries.set(key, small)
    return small
  }

  // Scoped to the pages: mounted with `app.route('/')`, a `*` middleware would also run for the JSON API.
  // Set before the handler runs: touching a finished response's headers makes @hono/node-server
  // build a full web Response, which cost two thirds of a cached page's throughput.
  const webHeaders: MiddlewareHandler = async function webHeaders(c, next) {
    c.header('Content-Security-Policy', CSP)
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Referrer-Policy', 'no-referrer')
    c.header('Cache-Control', 'public, max-age=60')
    await next()
  }
  app.use('/', webHeaders)
  app.use('/t/*', webHeaders)

  /**
   * Rendered pages are kept per index object: the index service hands out a new object whenever
   * the catalogue changes, so a publish or deprecation shows at once and nothing is rendered twice.
   */
  const rendered = new WeakMap<RegistryIndex, { pages: Map<string, Promise<Page>>; bytes: number }>()
  const page = async (c: Context, key: string, render: (index: RegistryIndex) => Promise<Page>) => {
    const index = await deps.getIndex()
    let kept = rendered.get(index)
    if (!kept) rendered.set(index, (kept = { pages: new Map(), bytes: 0 }))
    const { pages } = kept
    let pending = pages.get(key)
    if (!pending) {
      // The promise is kept, not the result, so requests arriving during a slow first render
      // (seconds for a 10,000-id catalogue) wait for it instead of each rendering again.
      if (pages.size >= PAGE_LIMIT || kept.bytes >= PAGE_BYTES_LIMIT) {
        pages.clear()
        kept.bytes = 0
      }
      pending = render(index)
      pages.set(key, pending)
      const forget = () => pages.get(key) === pending && pages.delete(key)
      // A document missing from a listed version (a mirror's upstream down) is not remembered.
      pending.then((p) => {
        if (!p.complete) return forget()
        if (pages.get(key) === pending) kept.bytes += p.bytes.length
      }, forget)
    }
    const found = await pending
    c.header('ETag', found.etag)
    if (c.req.header('if-none-match') === found.etag) return c.body(null, 304)
    return c.body(found.bytes, found.status, { 'Content-Type': 'text/html; charset=UTF-8' })
  }

  /** Every catalogue row, once per index: `/` and `/search.json` share it. */
  const rowsFor = new WeakMap<RegistryIndex, Promise<{ rows: CatalogueRow[]; complete: boolean }>>()
  const catalogueRows = (index: RegistryIndex) => {
    let pending = rowsFor.get(index)
    if (!pending) {
      let complete = true
      // A bounded number of documents in flight: all 10,000 at once held them all in memory together.
      pending = mapLimit(listIds(index), 16, async (id) => {
        const entry = index.templates[id]!
        const latest = latestOf(entry)
        const doc = latest ? await summary(id, latest) : null
        if (!doc) complete = false
        return catalogueRow(entry, doc)
      }).then((rows) => ({ rows, complete }))
      rowsFor.set(index, pending)
      // An incomplete list (a mirror's upstream down) is built again next time.
      void pending.then(
        (r) => r.complete || rowsFor.delete(index),
        () => rowsFor.delete(index),
      )
    }
    return pending
  }

  app.get('/', (c) => {
    // Bounded: the query is echoed into the page and is part of the page cache key.
    const q = (c.req.query('q') ?? '').slice(0, MAX_QUERY)
    return page(c, `/?q=${q}`, async (index) => {
      const { rows, complete } = await catalogueRows(index)
      return toPage(<CataloguePage rows={rows} q={q} />, 200, complete)
    })
  })

  /**
   * The whole catalogue for the search box, so search needs no server: above FULL_LIST_LIMIT
   * templates the page lists only the first ones and its script searches this document instead.
   * A static build writes it next to `index.html`.
   */
  const searchDocs = new WeakMap<RegistryIndex, Promise<{ bytes: Uint8Array<ArrayBuffer>; etag: string }>>()
  app.get('/search.json', async (c) => {
    const index = await deps.getIndex()
    let pending = searchDocs.get(index)
    if (!pending) {
      pending = catalogueRows(index).then(({ rows, complete }) => {
        if (!complete) queueMicrotask(() => searchDocs.delete(index))
        const text = JSON.stringify({ templates: rows.map(({ search: _, ...row }) => row) })
        return {
          bytes: new TextEncoder().encode(text),
          etag: etagOf(text),
        }
      })
      searchDocs.set(index, pending)
    }
    const doc = await pending
    c.header('ETag', doc.etag)
    c.header('Cache-Control', 'public, max-age=60')
    if (c.req.header('if-none-match') === doc.etag) return c.body(null, 304)
    return c.body(doc.bytes, 200, { 'Content-Type': 'application/json; charset=utf-8' })
  })

  app.get('/t/*', (c) => {
    const id = idFromPath(new URL(c.req.url).pathname)
    const from = c.req.query('from')?.slice(0, MAX_QUERY)
    const to = c.req.query('to')?.slice(0, MAX_QUERY)
    return page(c, `/t/${id ?? ''}?from=${from ?? ''}&to=${to ?? ''}`, async (index) => {
      // Own keys only: `/t/constructor` is an unknown id, not Object.prototype's constructor.
      const entry = id && Object.hasOwn(index.templates, id) ? index.templates[id] : undefined
      const latestVersion = entry && latestOf(entry)
      const latest = latestVersion ? await version(entry.id, latestVersion) : null
      if (!entry || !latest) return toPage(<NotFoundPage id={id ?? ''} />, 404, !entry)

      const ordered = sortVersions(Object.keys(entry.versions), 'newest-first')
      // Only the newest versions are read and shown in full (changelog, timeline column), plus the
      // two compared: 10,000 versions with 20 KB changelogs made one page of hundreds of MB.
      const detailed = ordered.slice(0, DETAILED_VERSIONS)
      const pair = comparedPair(ordered, from, to, latest.version)
      const wanted = new Set([...detailed, ...(pair ?? []).filter((v) => Object.hasOwn(entry.versions, v))])
      const docs = new Map(await Promise.all([...wanted].map(async (v) => [v, await version(entry.id, v)] as const)))
      const versions: VersionRow[] = ordered.map((v) => ({
        version: v,
        publishedAt: Object.hasOwn(entry.versions, v) ? entry.versions[v]!.publishedAt : undefined,
        deprecated: Object.hasOwn(entry.versions, v) ? entry.versions[v]!.deprecated : undefined,
        changelog: docs.get(v)?.changelog,
      }))
      const compare = pair && comparison(pair, docs)
      // A page naming no published version is answered, not kept: `?from=<anything>` must not fill the cache.
      const complete = [...docs.values()].every(Boolean) && !compare?.error
      const timeline = timelineOf(detailed, docs, (v) =>
        Object.hasOwn(entry.versions, v) ? entry.versions[v] : undefined,
      )
      return toPage(
        <TemplatePage entry={entry} latest={latest} versions={versions} compare={compare} timeline={timeline} />,
        compare?.error ? 400 : 200,
        complete,
      )
    })
  })

  return app
}

/** `/t/glm`, `/t/@acme/gw`, `/t/@acme%2Fgw`, with or without a trailing slash. */
function idFromPath(pathname: string): string | undefined {
  // Trailing slashes trimmed by hand: `/\/+$/` is quadratic on a run of slashes not at the end,
  // 200 ms of CPU for one 16 KB request line of `/t////…/a`.
  let end = pathname.length
  while (end > '/t/'.length && pathname.charCodeAt(end - 1) === 47) end--
  // Longer than any id, even with every character percent-encoded: not one.
  if (end - '/t/'.length > MAX_ID_LENGTH * 3) return undefined
  let raw = pathname.slice('/t/'.length, end)
  try {
    raw = decodeURIComponent(decodeId(raw))
  } catch {
    return undefined
  }
  return isValidId(raw) ? raw : undefined
}

/**
 * Defaults to the latest version against the one before it, so the page always shows what the
 * newest release changed; an explicit `from`/`to` that names no version is reported, not a 500.
 */
function comparedPair(
  ordered: string[],
  fromQ: string | undefined,
  toQ: string | undefined,
  latest: string,
): [string, string] | undefined {
  if (ordered.length < 2) return undefined
  const to = toQ || latest
  return [fromQ || ordered[ordered.indexOf(to) + 1] || ordered[ordered.length - 1]!, to]
}

function comparison([from, to]: [string, string], docs: Map<string, Template | null>): Comparison {
  const a = docs.get(from)
  const b = docs.get(to)
  if (!a || !b) {
    const missing = [from, to].filter((v) => !docs.get(v))
    return { from, to, changes: [], error: `No published version ${missing.join(' or ')}; pick one from the lists.` }
  }
  return { from, to, changes: compareEnv(envOf(a), envOf(b)) }
}

interface Page {
  status: 200 | 400 | 404
  /** Encoded once: re-encoding a cached page on every request was most of its cost. */
  bytes: Uint8Array<ArrayBuffer>
  etag: string
  complete: boolean
}

async function renderPage(element: JSX.Element, status: Page['status'] = 200, complete = true): Promise<Page> {
  const html = (await element).toString()
  return {
    status,
    bytes: new TextEncoder().encode(html),
    complete,
    etag: `W/${etagOf(html)}`,
  }
}
