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

export const acceptsGzip = (header: string | undefined): boolean =>
  Boolean(header && /(?:^|,)\s*gzip\s*(?:;\s*q\s*=\s*(?!0(?:\.0*)?\s*(?:,|$))[\d.]+\s*)?(?:,|$)/i.test(header))

export interface CompressibleDocument {
  bytes: Uint8Array
  etag: string
  gzip(): Promise<Uint8Array>
  prepared: PreparedDocument
  gzipPrepared(): Promise<PreparedDocument>
}

/**
 * Large documents (the index) are offered gzip-compressed when the client accepts it; the
 * compressed copy is made once per build, so serving it costs no CPU.
 */
export async function sendCompressible(
  c: Context,
  doc: CompressibleDocument,
  cacheControl: string,
  stale = false,
): Promise<Response> {
  const gzip = doc.bytes.byteLength >= 1024 && acceptsGzip(c.req.header('accept-encoding'))
  // The usual case: both representations' headers were made with the build.
  if (!stale) return sendPrepared(c, gzip ? await doc.gzipPrepared() : doc.prepared, doc.etag)
  c.header('Vary', 'Accept-Encoding')
  if (!gzip) return sendDocument(c, doc.bytes, doc.etag, cacheControl, stale)
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

/**
 * A document whose response headers are computed once with its bytes: answering it is a header
 * lookup and a write, with no JSON, hashing or header building per request.
 */
export interface PreparedDocument {
  bytes: Uint8Array
  etag: string
  ok: Record<string, string>
  notModified: Record<string, string>
}

export function prepareDocument(
  bytes: Uint8Array,
  etag: string,
  cacheControl: string,
  extra: Record<string, string> = {},
): PreparedDocument {
  const common = { ETag: etag, 'Cache-Control': cacheControl, ...extra }
  return {
    bytes,
    etag,
    ok: { ...common, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(bytes.byteLength) },
    notModified: common,
  }
}

/**
 * Answers a prepared document, or a bodiless 304. The Response is built with a plain header
 * object, which @hono/node-server writes straight to the socket (no Headers instance).
 */
export function sendPrepared(c: Context, doc: PreparedDocument, matchTag = doc.etag): Response {
  if (etagMatches(c.req.header('if-none-match'), matchTag))
    return new Response(null, { status: 304, headers: doc.notModified })
  return new Response(doc.bytes as Uint8Array<ArrayBuffer>, { status: 200, headers: doc.ok })
}
