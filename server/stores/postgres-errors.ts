import { CliError } from '../../shared/errors.js'
import type { HttpError } from '../errors.js'

/**
 * The database cannot be reached right now: a store error, not a command-line one. The HTTP layer
 * answers it like any error with a status (`503 {"error":{"code":"E_STORE_UNAVAILABLE",...}}`,
 * Retry-After); the command line turns it into one line with `toCliError`.
 */
export class StoreUnavailableError extends Error implements HttpError {
  override name = 'StoreUnavailableError'
  readonly status = 503
  readonly code = 'E_STORE_UNAVAILABLE'
  readonly headers = { 'Retry-After': '5' }
  readonly hint =
    'check that PostgreSQL is running and that the URL names a reachable database (a running server reconnects by itself)'
  constructor(detail: string) {
    super(`the PostgreSQL store is unavailable (${detail})`)
  }

  toCliError(): CliError {
    return new CliError(this.code, this.message, 1, this.hint)
  }
}

/** Socket errors from node and connection errors from the `postgres` driver. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
])

/**
 * SQLSTATEs that mean "the server is not there for us" rather than "this query is wrong":
 * class 08 (connection exception), 57P01-57P05 (terminated by admin or crash, shutting down,
 * idle timeout), 57014 (our statement_timeout), 53300 (too many connections), 3D000 (no database).
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('57P') || code === '57014' || code === '53300' || code === '3D000'
}

export function isUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false
  const code = (err as { code?: unknown }).code
  if (typeof code !== 'string') return false
  return (
    CONNECTION_CODES.has(code) || ((err as { name?: string }).name === 'PostgresError' && isUnavailableSqlState(code))
  )
}

/** Turns connection trouble into a StoreUnavailableError; anything else is rethrown untouched. */
export function toStoreError(err: unknown): unknown {
  if (err instanceof StoreUnavailableError || !isUnavailable(err)) return err
  const e = err as { code: string; message?: string }
  return new StoreUnavailableError(e.message?.includes(e.code) ? e.message : `${e.code}: ${e.message ?? ''}`.trim())
}
