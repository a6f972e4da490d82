import { Hono } from 'hono'
import type { Context } from 'hono'
import { decodeId, isValidId } from '../../shared/ids.js'
import type { RegistryIndex, Template } from '../../shared/types.js'
import { CSP } from './assets.js'
import { CataloguePage } from './catalogue-page.js'
import { catalogueRow, compareEnv, envOf, latestOf, listIds, sortVersions } from './model.js'
import { NotFoundPage } from './not-found-page.js'
import { TemplatePage } from './template-page.js'
import type { Comparison, VersionRow } from './template-page.js'

export interface WebDeps {
  getIndex(): Promise<RegistryIndex>
  getVersion(id: string, version: string): Promise<Template | null>
}

/** Versions are immutable, so parsed documents can be kept; bounded so a huge registry cannot grow it forever. */
const CACHE_LIMIT = 5000

/** The HTML catalogue (`/`, `/t/<id>`), mounted by the server app with `app.route('/', ...)`. */
export function createWebRoutes(deps: WebDeps): Hono {
  const app = new Hono()
  const cache = new Map<string, Template>()

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

  app.use('*', async function webHeaders(c, next) {
    await next()
    c.header('Content-Security-Policy', CSP)
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Referrer-Policy', 'no-referrer')
    c.header('Cache-Control', 'public, max-age=60')
  })

  app.get('/', async (c) => {
    const index = await deps.getIndex()
    const rows = await Promise.all(
      listIds(index).map(async (id) => {
        const entry = index.templates[id]!
        const latest = latestOf(entry)
        return catalogueRow(entry, latest ? await version(id, latest) : null)
      }),
    )
    return c.html(<CataloguePage rows={rows} q={c.req.query('q') ?? ''} />)
  })

  app.get('/t/*', async (c) => {
    const id = idFromPath(new URL(c.req.url).pathname)
    const index = await deps.getIndex()
    const entry = id ? index.templates[id] : undefined
    const latestVersion = entry && latestOf(entry)
    const latest = latestVersion ? await version(entry.id, latestVersion) : null
    if (!entry || !latest) return notFound(c, id ?? '')

    const ordered = sortVersions(Object.keys(entry.versions))
    const docs = new Map(await Promise.all(ordered.map(async (v) => [v, await version(entry.id, v)] as const)))
    const versions: VersionRow[] = ordered.map((v) => ({
      version: v,
      publishedAt: entry.versions[v]?.publishedAt,
      deprecated: entry.versions[v]?.deprecated,
      changelog: docs.get(v)?.changelog,
    }))
    const compare = comparison(ordered, docs, c.req.query('from'), c.req.query('to'), latest.version)
    return c.html(
      <TemplatePage entry={entry} latest={latest} versions={versions} compare={compare} />,
      compare?.error ? 400 : 200,
    )
  })

  return app
}

/** `/t/glm`, `/t/@acme/gw`, `/t/@acme%2Fgw`, with or without a trailing slash. */
function idFromPath(pathname: string): string | undefined {
  let raw = pathname.slice('/t/'.length).replace(/\/+$/, '')
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
function comparison(
  ordered: string[],
  docs: Map<string, Template | null>,
  fromQ: string | undefined,
  toQ: string | undefined,
  latest: string,
): Comparison | undefined {
  if (ordered.length < 2) return undefined
  const to = toQ || latest
  const from = fromQ || ordered[ordered.indexOf(to) + 1] || ordered[ordered.length - 1]!
  const a = docs.get(from)
  const b = docs.get(to)
  if (!a || !b) {
    const missing = [from, to].filter((v) => !docs.get(v))
    return { from, to, changes: [], error: `No published version ${missing.join(' or ')}; pick one from the lists.` }
  }
  return { from, to, changes: compareEnv(envOf(a), envOf(b)) }
}

function notFound(c: Context, id: string) {
  return c.html(<NotFoundPage id={id} />, 404)
}
