import type { Context } from 'hono'

export const INDEX_CACHE = 'public, max-age=60'
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable'
export const STALE_WARNING = '110 - "upstream unreachable, serving cached copy"'

/** The tag of the gzip representation: a different encoding needs a different strong ETag. */
export const gzipEtag = (etag: string): string => `${etag.slice(0, -1)}-gzip"`

/** RFC 9110 If-None-Match: a list of (possibly weak) tags, or `*`; either encoding's tag matches. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false
  const gz = gzipEtag(etag)
  return header.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '')
    return t === '*' || t === etag || t === gz
  })
}

const acceptsGzip = (header: string | undefined): boolean =>
  Boolean(header && /(?:^|,)\s*gzip\s*(?:;\s*q\s*=\s*(?!0(?:\.0*)?\s*(?:,|$))[\d.]+\s*)?(?:,|$)/i.test(header))

/**
 * Large documents (the index) are offered gzip-compressed when the client accepts it; the
 * compressed copy is made once per build, so serving it costs no CPU.
 */
export async function sendCompressible(
  c: Context,
  doc: { bytes: Uint8Array; etag: string; gzip(): Promise<Uint8Array> },
  cacheControl: string,
  stale = false,
): Promise<Response> {
  c.header('Vary', 'Accept-Encoding')
  if (doc.bytes.byteLength < 1024 || !acceptsGzip(c.req.header('accept-encoding')))
    return sendDocument(c, doc.bytes, doc.etag, cacheControl, stale)
  c.header('ETag', gzipEtag(doc.etag))
  c.header('Cache-Control', cacheControl)
  if (stale) c.header('Warning', STALE_WARNING)
  if (etagMatches(c.req.header('if-none-match'), doc.etag)) return c.body(null, 304)
  c.header('Content-Type', 'application/json; charset=utf-8')
  c.header('Content-Encoding', 'gzip')
  return c.body((await doc.gzip()) as Uint8Array<ArrayBuffer>, 200)
}

/** Answers exact JSON bytes with validators, or a bodiless 304 when the client already has them. */
export function sendDocument(
  c: Context,
  text: string | Uint8Array,
  etag: string,
  cacheControl: string,
  stale = false,
): Response {
  c.header('ETag', etag)
  c.header('Cache-Control', cacheControl)
  if (stale) c.header('Warning', STALE_WARNING)
  if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304)
  c.header('Content-Type', 'application/json; charset=utf-8')
  return c.body(typeof text === 'string' ? text : (text as Uint8Array<ArrayBuffer>), 200)
}
