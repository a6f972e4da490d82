import { Hono } from 'hono'
import type { AppEnv } from '../env.js'
import type { Metrics } from '../metrics.js'
import type { Store } from '../stores/types.js'

/** Liveness/readiness and Prometheus metrics; never behind `--auth-read`. */
export function createOpsRoutes({ store, metrics }: { store: Store; metrics: Metrics }) {
  const app = new Hono<AppEnv>()

  app.get('/healthz', async (c) => {
    c.set('route', '/healthz')
    c.header('Cache-Control', 'no-store')
    const ready = await store.ready().catch(() => false)
    if (!ready)
      return c.json(
        {
          ok: false,
          store: store.kind,
          error: { code: 'E_STORE', message: `the ${store.kind} store is not reachable` },
        },
        503,
      )
    return c.json({ ok: true, store: store.kind })
  })

  app.get('/metrics', (c) => {
    c.set('route', '/metrics')
    c.header('Cache-Control', 'no-store')
    c.header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
    return c.body(metrics.render())
  })

  return app
}
