import type { Context } from 'hono'

export const INDEX_CACHE = 'public, max-age=60'
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable'
export const STALE_WARNING = '110 - "upstream unreachable, serving cached copy"'

/** RFC 9110 If-None-Match: a list of (possibly weak) tags, or `*`. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false
  return header.split(',').some((tag) => {
    const t = tag.trim()
    return t === '*' || t.replace(/^W\//, '') === etag
  })
}

/** Answers exact JSON bytes with validators, or a bodiless 304 when the client already has them. */
export function sendDocument(c: Context, text: string, etag: string, cacheControl: string, stale = false): Response {
  c.header('ETag', etag)
  c.header('Cache-Control', cacheControl)
  if (stale) c.header('Warning', STALE_WARNING)
  if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304)
  c.header('Content-Type', 'application/json; charset=utf-8')
  return c.body(text, 200)
}
