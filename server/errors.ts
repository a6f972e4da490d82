import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/**
 * An error the HTTP layer answers with its own status: `{ error: { code, message, ...details } }`
 * plus its headers. ApiError is one; a store that is down (stores/postgres-errors.ts) is another.
 */
export interface HttpError {
  status: number
  code: string
  message: string
  headers?: Record<string, string>
  details?: Record<string, unknown>
}

export const isHttpError = (err: unknown): err is HttpError =>
  err instanceof Error &&
  typeof (err as { status?: unknown }).status === 'number' &&
  typeof (err as { code?: unknown }).code === 'string'

/** An HTTP error with a stable machine code; the one `onError` in app.ts answers it. */
export class ApiError extends HTTPException implements HttpError {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** More fields of the error body (`issues` of a schema error, `suggested` of a semver one). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(status, { message })
  }
}

export const badRequest = (code: string, message: string) => new ApiError(400, code, message)
export const notFound = (message: string) => new ApiError(404, 'E_NOT_FOUND', message)

/** Codes for the statuses hono itself raises (body limit, malformed JSON, ...). */
export const codeForStatus = (status: number): string =>
  ({
    400: 'E_BAD_REQUEST',
    401: 'E_UNAUTHORIZED',
    403: 'E_FORBIDDEN',
    404: 'E_NOT_FOUND',
    405: 'E_METHOD',
    409: 'E_EXISTS',
    413: 'E_TOO_LARGE',
    415: 'E_MEDIA_TYPE',
  })[status] ?? (status >= 500 ? 'E_INTERNAL' : 'E_REQUEST')
