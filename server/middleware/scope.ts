import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env.js'
import { ApiError } from '../errors.js'
import { scopeCovers } from '../tokens.js'

/** After requireToken and parseTarget: the token may change templates, and this id is in its scopes. */
export function requireScope(): MiddlewareHandler<AppEnv> {
  return async function requireScopeHandler(c, next) {
    const token = c.get('token')!
    const { id } = c.get('target')!
    if (token.readOnly)
      throw new ApiError(403, 'E_READ_ONLY', `token "${token.name}" is read-only and cannot change templates`)
    if (!token.scopes.some((pattern) => scopeCovers(pattern, id)))
      throw new ApiError(
        403,
        'E_SCOPE',
        `token "${token.name}" may not publish "${id}" (scopes: ${token.scopes.join(', ')})`,
      )
    await next()
  }
}
