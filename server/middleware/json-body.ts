import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env.js'
import { ApiError } from '../errors.js'

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json[ \t]*(?:;|$)/i

/** The body must be declared JSON (`application/json` or a `+json` type), checked before it is read. */
export function requireJson(): MiddlewareHandler<AppEnv> {
  return async function requireJsonHandler(c, next) {
    if (!JSON_TYPE.test(c.req.header('content-type') ?? ''))
      throw new ApiError(415, 'E_MEDIA_TYPE', 'send the body as JSON with Content-Type: application/json')
    await next()
  }
}
