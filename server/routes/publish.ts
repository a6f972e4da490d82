import { Hono } from 'hono'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { integrityOfText } from '../../shared/digest.js'
import { parseTemplateJson } from '../../shared/schema.js'
import { unsafeTextProblem } from '../../shared/text.js'
import type { AppEnv } from '../env.js'
import { ApiError, badRequest, notFound } from '../errors.js'
import type { Metrics } from '../metrics.js'
import { requireToken } from '../middleware/auth.js'
import { requireJson } from '../middleware/json-body.js'
import { requireScope } from '../middleware/scope.js'
import { parseTarget } from '../middleware/target.js'
import { assertVersion } from '../paths.js'
import type { Store } from '../stores/types.js'
import { storeSemverProblem } from '../semver-check.js'

export interface WriteRouteDeps {
  store: Store
  metrics: Metrics
  /** Largest accepted request body in bytes. */
  bodyLimit: number
  /** Drops the cached index at once (the store also reports changes, possibly later). */
  onPublished?: () => void
}

const TEMPLATES = '/v1/templates/'
const TAG = /^[a-z][a-z0-9._-]{0,63}$/
const MAX_MESSAGE = 1024

/**
 * Publish, deprecate and dist-tag. Each route is the same chain of named middleware, cheapest and
 * least revealing check first: the path (parsed once), the token, its scope, the content type, the
 * size; then the handler checks the document itself. Every refusal is thrown and answered by the
 * one `onError` in app.ts. Nothing here rewrites a published version.
 */
export function createWriteRoutes({ store, metrics, bodyLimit: maxSize, onPublished }: WriteRouteDeps) {
  const app = new Hono<AppEnv>()
  const guards = [
    parseTarget(),
    requireToken({ store }),
    requireScope(),
    requireJson(),
    bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError(413, 'E_TOO_LARGE', `the request body is larger than ${maxSize} bytes`)
      },
    }),
  ] as const

  app.put(`${TEMPLATES}*`, ...guards, async (c) => {
    const { id, rest } = c.get('target')!
    if (rest.length === 2 && rest[0] === 'dist-tags') return setTag(c, id, rest[1]!)
    if (rest.length !== 1) throw notFound('no such route; publish with PUT /v1/templates/<id>/<version>')
    return publish(c, id, rest[0]!.replace(/\.json$/, ''))
  })

  app.post(`${TEMPLATES}*`, ...guards, async (c) => {
    c.set('route', 'POST /v1/templates/:id/:version/deprecate')
    const { id, rest } = c.get('target')!
    if (rest.length !== 2 || rest[1] !== 'deprecate')
      throw notFound('no such route; deprecate with POST /v1/templates/<id>/<version>/deprecate')
    const version = rest[0]!
    assertVersion(version)
    const body = await readObject(c)
    const message = body.message
    if (typeof message !== 'string')
      throw badRequest('E_BAD_BODY', 'send {"message": "<why>"} (an empty message clears the deprecation)')
    if (message.length > MAX_MESSAGE || unsafeTextProblem(message, { multiline: true })) {
      throw badRequest(
        'E_BAD_BODY',
        `the message must be at most ${MAX_MESSAGE} characters without control or bidi characters`,
      )
    }
    if (!(await store.deprecate(id, version, message))) throw notFound(`${id}@${version} does not exist`)
    onPublished?.()
    return c.json((await store.getEntry(id))!, 200)
  })

  async function publish(c: Context<AppEnv>, id: string, version: string) {
    c.set('route', 'PUT /v1/templates/:id/:version')
    assertVersion(version)
    const text = await readUtf8(c)
    const result = parseTemplateJson(text)
    const rejected = (err: ApiError) => {
      metrics.publish('rejected')
      return err
    }
    if (!result.ok) {
      const issues = result.issues
      const summary = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')
      throw rejected(new ApiError(400, 'E_INVALID', `invalid template: ${summary}`, {}, { issues }))
    }
    const mismatch = [
      result.template.id !== id ? `id "${result.template.id}" does not match the path's "${id}"` : '',
      result.template.version !== version
        ? `version "${result.template.version}" does not match the path's "${version}"`
        : '',
    ].filter(Boolean)
    if (mismatch.length > 0) throw rejected(badRequest('E_MISMATCH', mismatch.join('; ')))
    // A caret pin must never follow a new endpoint or key variable: the contract is checked against
    // the neighbours already published (a race between two publishes can slip past; both are ours).
    const semver = await storeSemverProblem(store, result.template)
    if (semver) throw rejected(new ApiError(400, semver.code, semver.message, {}, { suggested: semver.suggested }))
    const published = await store.publish(id, version, text, {
      publishedAt: new Date().toISOString(),
      integrity: integrityOfText(text),
    })
    if (!published.created) {
      metrics.publish('exists')
      throw new ApiError(
        409,
        'E_EXISTS',
        `${id}@${version} is already published and versions are immutable; publish a new version`,
      )
    }
    metrics.publish('created')
    onPublished?.()
    c.header('Location', `/v1/templates/${id}/${version}.json`)
    return c.json(published.entry, 201)
  }

  async function setTag(c: Context<AppEnv>, id: string, tag: string) {
    c.set('route', 'PUT /v1/templates/:id/dist-tags/:tag')
    if (!TAG.test(tag))
      throw badRequest(
        'E_BAD_TAG',
        `"${tag.slice(0, 64)}" is not a valid dist-tag (lowercase letter first, then letters, digits, . _ -)`,
      )
    const body = await readObject(c)
    const version = body.version
    if (typeof version !== 'string') throw badRequest('E_BAD_BODY', 'send {"version": "<version>"}')
    assertVersion(version)
    if (!(await store.setDistTag(id, tag, version))) throw notFound(`${id}@${version} does not exist`)
    onPublished?.()
    return c.json((await store.getEntry(id))!, 200)
  }

  return app
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** The body as text; bytes that are not UTF-8 are refused rather than silently replaced. */
async function readUtf8(c: Context<AppEnv>): Promise<string> {
  const bytes = await c.req.arrayBuffer()
  try {
    return utf8.decode(bytes)
  } catch {
    throw badRequest('E_BAD_ENCODING', 'the body is not valid UTF-8')
  }
}

async function readObject(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const text = await readUtf8(c)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw badRequest('E_BAD_JSON', 'the body is not valid JSON')
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('E_BAD_BODY', 'the body must be a JSON object')
  return body as Record<string, unknown>
}
