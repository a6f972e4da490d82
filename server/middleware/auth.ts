import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env.js'
import { ApiError } from '../errors.js'
import type { Store } from '../stores/types.js'
import { findToken } from '../tokens.js'

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]{1,512})[ \t]*$/

const unauthorized = (message: string) =>
  new ApiError(401, 'E_UNAUTHORIZED', message, { 'WWW-Authenticate': 'Bearer realm="claude-multi-registry"' })

/** Resolves `Authorization: Bearer <token>` to a stored token record, or answers 401. */
export function requireToken({ store }: { store: Store }): MiddlewareHandler<AppEnv> {
  return async function requireTokenHandler(c, next) {
    const header = c.req.header('authorization')
    if (!header) throw unauthorized('this request needs a token: send Authorization: Bearer <token>')
    const secret = BEARER.exec(header)?.[1]
    const token = secret ? await findToken(store, secret) : undefined
    if (!token)
      throw unauthorized(
        'the token is not valid (revoked or mistyped); create one with claude-multi-registry token create',
      )
    c.set('token', token)
    await next()
  }
}

/** `serve --auth-read`: every read needs a token (read-only or publish), except health and metrics. */
export function readAuth({ store }: { store: Store }): MiddlewareHandler<AppEnv> {
  const check = requireToken({ store })
  const open = new Set(['/healthz', '/metrics'])
  return async function readAuthHandler(c, next) {
    if ((c.req.method === 'GET' || c.req.method === 'HEAD') && !open.has(c.req.path)) await check(c, next)
    else await next()
    // Shared caches (CDNs, proxies) must not keep private answers and hand them to someone else.
    const cacheControl = c.res.headers.get('cache-control')
    if (cacheControl?.startsWith('public'))
      c.res.headers.set('cache-control', cacheControl.replace(/^public/, 'private'))
  }
}
