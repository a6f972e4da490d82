import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env.js'
import { parseTemplatePath, rawPathAfter } from '../paths.js'

const TEMPLATES = '/v1/templates/'

/**
 * Parses a write request's path once: the template id (plain or scoped, checked) and the segments
 * after it land in `c.var.target` for the checks and the handler that follow. A bad id is a 400
 * before any token is looked at.
 */
export function parseTarget(): MiddlewareHandler<AppEnv> {
  return async function parseTargetHandler(c, next) {
    c.set('route', `${c.req.method} /v1/templates/:id/...`)
    c.set('target', parseTemplatePath(rawPathAfter(c.req.url, TEMPLATES)))
    await next()
  }
}
