import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** An HTTP error with a stable machine code; `onError` turns it into `{ error: { code, message } }`. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
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
