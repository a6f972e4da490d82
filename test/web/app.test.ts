/**
 * The pages as mounted in the real registry app (server/app.ts) on a filesystem store: the page
 * cache must follow the index service, so a publish or deprecation shows on the next request.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.js'
import { createFsStore } from '../../server/stores/fs.js'
import type { Store } from '../../server/stores/types.js'
import { integrityOfText } from '../../shared/digest.js'
import { DOCS } from '../helpers/web.js'

let dir: string
let store: Store
let app: ReturnType<typeof createApp>

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'web-app-'))
  await cp(join(import.meta.dirname, '..', '..', 'registry', 'templates'), join(dir, 'templates'), { recursive: true })
  store = createFsStore({ dir })
  app = createApp({ store })
})

afterAll(async () => {
  app?.close()
  await store?.close()
  await rm(dir, { recursive: true, force: true })
})

const get = (path: string, headers: Record<string, string> = {}) => app.request(`http://localhost${path}`, { headers })

describe('web pages inside the registry app', () => {
  it('serves the catalogue and a template with the page headers, and leaves the JSON API alone', async () => {
    const home = await get('/')
    expect(home.status).toBe(200)
    expect(home.headers.get('content-security-policy')).toContain("script-src 'sha256-")
    expect(await home.text()).toContain('href="/t/glm"')
    const glm = await get('/t/glm')
    expect(glm.status).toBe(200)
    const index = await get('/v1/index.json')
    expect(index.headers.get('content-security-policy')).toBeNull()
    expect(index.headers.get('content-type')).toMatch(/^application\/json/)
    const missing = await get('/t/@acme/none')
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/)
  })

  it('shows a new publish and a deprecation on the next request', async () => {
    const before = await get('/')
    const etag = before.headers.get('etag')!
    expect(await before.text()).not.toContain('/t/@acme/gw')

    const doc = DOCS.find((d) => d.id === '@acme/gw')!
    const raw = `${JSON.stringify(doc, null, 2)}\n`
    const published = await store.publish(doc.id, doc.version, raw, {
      publishedAt: '2026-02-01T00:00:00.000Z',
      integrity: integrityOfText(raw),
    })
    expect(published.created).toBe(true)
    const after = await get('/', { 'if-none-match': etag })
    expect(after.status).toBe(200)
    expect(await after.text()).toContain('href="/t/@acme/gw"')

    expect(await store.deprecate(doc.id, doc.version, 'moved to @acme/gw2')).toBe(true)
    const page = await (await get('/t/@acme/gw')).text()
    expect(page).toContain('moved to @acme/gw2')
  })
})
