import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { templateJsonSchema } from '../shared/schema.js'
import type { Template, TemplateEntry } from '../shared/types.js'
import type { AppEnv } from './env.js'
import { codeForStatus, isHttpError } from './errors.js'
import { createFastPath } from './fast-path.js'
import { createIndexService, type FinalizeIndex } from './index-service.js'
import { createMetrics, type Metrics } from './metrics.js'
import { readAuth } from './middleware/auth.js'
import { rejectDotSegments } from './middleware/dot-segments.js'
import { requestLog, type LogFormat } from './middleware/request-log.js'
import { createOpsRoutes } from './routes/ops.js'
import { createReadRoutes } from './routes/read.js'
import { createWriteRoutes } from './routes/publish.js'
import type { Store } from './stores/types.js'
import { createUpstream, type UpstreamOptions } from './upstream.js'
import { createWebRoutes } from './web/routes.js'
import { safeText } from '../shared/text.js'

export interface AppOptions {
  store: Store
  /** Mirror another registry (`serve --upstream`). */
  upstream?: Omit<UpstreamOptions, 'onFailure'>
  /** Every GET needs a token (`serve --auth-read`). */
  authRead?: boolean
  /** Largest request body in bytes (default 64 KiB). */
  bodyLimit?: number
  logFormat?: LogFormat
  log?: (line: string) => void
  metrics?: Metrics
  /** Signing hooks in here: it receives the assembled index right before serialization. */
  finalizeIndex?: FinalizeIndex
  /** Signs each per-id document `/v1/templates/<id>.json` (server/signing-entries.ts). */
  finalizeEntry?: (entry: TemplateEntry) => TemplateEntry
  /** Rebuild the cached index at least this often (ms), so a finalizer can refresh signatures. */
  indexMaxAgeMs?: number
  /** The body of `/v1/keys.json` (default `{"keys":[]}`). */
  keys?: () => unknown | Promise<unknown>
  /** Serve the HTML pages at `/` and `/t/<id>` (default true). */
  web?: boolean
  /** The path the pages link under (`build --base`, server/web/base.ts); default `/`. */
  webBase?: string
}

export const DEFAULT_BODY_LIMIT = 64 * 1024

/** The registry: read API, write API, ops endpoints and the web pages, with one error format. */
export function createApp(options: AppOptions) {
  const { store } = options
  const metrics = options.metrics ?? createMetrics()
  const upstream = options.upstream
    ? createUpstream({ ...options.upstream, onFailure: () => metrics.upstreamFailure() })
    : undefined
  const index = createIndexService({
    store,
    ...(upstream ? { upstream } : {}),
    ...(options.finalizeIndex ? { finalize: options.finalizeIndex } : {}),
    ...(options.indexMaxAgeMs ? { maxAgeMs: options.indexMaxAgeMs } : {}),
  })
  const schemaText = JSON.stringify(templateJsonSchema())
  const keysText = async () => JSON.stringify((await options.keys?.()) ?? { keys: [] })

  const app = new Hono<AppEnv>()
  const log = requestLog({
    format: options.logFormat ?? 'none',
    metrics,
    ...(options.log ? { write: options.log } : {}),
  })
  app.use('*', log)
  app.use('*', rejectDotSegments())
  if (options.authRead) app.use('*', readAuth({ store }))

  app.route('/', createOpsRoutes({ store, metrics }))
  // Not with an upstream (its documents can be stale) nor with read auth (every GET needs a token).
  const fast = upstream || options.authRead ? undefined : createFastPath(index, log)
  app.route(
    '/',
    createReadRoutes({
      index,
      schemaText,
      keysText,
      finalizeEntry: options.finalizeEntry,
      ...(fast ? { onVersionServed: fast.remember } : {}),
    }),
  )
  app.route(
    '/',
    createWriteRoutes({
      store,
      metrics,
      bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
      onPublished: () => index.invalidate(),
    }),
  )
  if (options.web !== false) {
    app.use('/', async (c, next) => {
      c.set('route', '/')
      return next()
    })
    app.use('/search.json', async (c, next) => {
      c.set('route', '/search.json')
      return next()
    })
    app.use('/t/*', async (c, next) => {
      c.set('route', '/t/:id')
      return next()
    })
    app.route(
      '/',
      createWebRoutes({
        ...(options.webBase ? { base: options.webBase } : {}),
        getIndex: async () => (await index.getIndex()).index,
        getVersion: async (id, version) => {
          const found = await index.getVersion(id, version)
          if (!found || 'unreachable' in found) return null
          try {
            return JSON.parse(found.raw) as Template
          } catch {
            return null
          }
        },
      }),
    )
  }

  app.notFound((c) => {
    c.set('route', c.get('route') ?? 'unmatched')
    return c.json(
      { error: { code: 'E_NOT_FOUND', message: `no route for ${c.req.method} ${c.req.path.slice(0, 200)}` } },
      404,
    )
  })

  app.onError((error, c) => {
    // Every error that knows its status: ours (ApiError), a store that is down (503), hono's own.
    if (isHttpError(error)) {
      for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value)
      const body = { code: error.code, message: error.message, ...error.details }
      return c.json({ error: body }, error.status as ContentfulStatusCode)
    }
    if (error instanceof HTTPException) {
      const status = error.status as ContentfulStatusCode
      return c.json({ error: { code: codeForStatus(status), message: error.message || 'request refused' } }, status)
    }
    if (process.env.DEBUG?.includes('claude-multi')) console.error(error)
    else
      process.stderr.write(
        `claude-multi-registry: internal error on ${safeText(`${c.req.method} ${c.req.path.slice(0, 200)}: ${(error as Error).message}`)}\n`,
      )
    return c.json({ error: { code: 'E_INTERNAL', message: 'internal error; see the server log' } }, 500)
  })

  if (fast) {
    const routed = app.fetch
    app.fetch = (request, env, executionCtx) => fast.answer(request, env) ?? routed(request, env, executionCtx)
  }

  return Object.assign(app, {
    indexService: index,
    metrics,
    close() {
      index.close()
      log.flush()
    },
  })
}

export type RegistryApp = ReturnType<typeof createApp>
