import { Hono } from 'hono'
import { etagOf } from '../../shared/digest.js'
import type { TemplateEntry } from '../../shared/types.js'
import type { AppEnv } from '../env.js'
import { ApiError, badRequest, notFound } from '../errors.js'
import {
  IMMUTABLE_CACHE,
  INDEX_CACHE,
  sendCompressible,
  sendDocument,
  sendPrepared,
  type PreparedDocument,
} from '../http-cache.js'
import { entryText, type IndexService } from '../index-service.js'
import { assertVersion, parseTemplatePath, rawPathAfter } from '../paths.js'

export interface ReadRouteDeps {
  index: IndexService
  schemaText: string
  keysText: () => Promise<string>
  /** Signs a per-id document (when the registry signs), so clients need not fetch the index to trust it. */
  finalizeEntry?: ((entry: TemplateEntry) => TemplateEntry) | undefined
  /** Told of each version document served fresh from our own store (the fast path keeps it). */
  onVersionServed?: (id: string, version: string, doc: PreparedDocument) => void
}

const TEMPLATES = '/v1/templates/'

/** Every read path is a plain GET of a JSON document, so `build` can write the same tree statically. */
export function createReadRoutes({ index, schemaText, keysText, finalizeEntry, onVersionServed }: ReadRouteDeps) {
  const app = new Hono<AppEnv>()
  const schemaEtag = etagOf(schemaText)

  app.get('/v1/index.json', async (c) => {
    c.set('route', '/v1/index.json')
    const served = await index.getIndex()
    return sendCompressible(c, served, INDEX_CACHE, served.stale)
  })

  app.get('/v1/schema.json', (c) => {
    c.set('route', '/v1/schema.json')
    return sendDocument(c, schemaText, schemaEtag, INDEX_CACHE)
  })

  app.get('/v1/keys.json', async (c) => {
    c.set('route', '/v1/keys.json')
    const text = await keysText()
    return sendDocument(c, text, etagOf(text), INDEX_CACHE)
  })

  app.get(`${TEMPLATES}*`, async (c) => {
    c.set('route', '/v1/templates/:id')
    const { id, rest } = parseTemplatePath(rawPathAfter(c.req.url, TEMPLATES), '.json')
    if (rest.length === 0) {
      const found = await index.getEntry(id)
      if (!found) throw notFound(`template "${id}" does not exist`)
      const text = entryText(finalizeEntry ? finalizeEntry(found.entry) : found.entry)
      return sendDocument(c, text, etagOf(text), INDEX_CACHE, found.stale)
    }
    c.set('route', '/v1/templates/:id/:version')
    if (rest.length > 1)
      throw badRequest('E_BAD_PATH', 'too many path segments; versions are at /v1/templates/<id>/<version>.json')
    const file = rest[0]!
    if (!file.endsWith('.json')) throw notFound('no such document; versions are at /v1/templates/<id>/<version>.json')
    const version = file.slice(0, -'.json'.length)
    assertVersion(version)
    const found = await index.getVersion(id, version)
    if (found && 'unreachable' in found) {
      throw new ApiError(
        502,
        'E_UPSTREAM',
        `upstream unreachable and ${id}@${version} is not cached yet; try again later`,
      )
    }
    if (!found) throw notFound(`${id}@${version} does not exist`)
    if (!found.stale) {
      onVersionServed?.(id, version, found.prepared)
      return sendPrepared(c, found.prepared)
    }
    return sendDocument(c, found.raw, found.etag, IMMUTABLE_CACHE, true)
  })

  return app
}
