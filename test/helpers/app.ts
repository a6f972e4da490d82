import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApp, type AppOptions } from '../../server/app.js'
import { createFsStore } from '../../server/stores/fs.js'
import { newToken } from '../../server/tokens.js'
import { versionDoc } from './template-docs.js'

export { versionDoc }

export const BASE = 'http://localhost'

/** A registry app on a fresh temp data dir, with a publish token for `*`, one for `@acme/*` and a read-only one. */
export async function makeRegistry(options: Partial<AppOptions> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'cmr-app-'))
  const store = createFsStore({ dir, pollMs: 20 })
  const tokens = {
    all: newToken('all', ['*'], false),
    acme: newToken('acme', ['@acme/*'], false),
    exact: newToken('exact', ['glm'], false),
    reader: newToken('reader', ['*'], true),
  }
  for (const t of Object.values(tokens)) await store.addToken(t.record)
  const app = createApp({ store, ...options })
  const request = (path: string, init: RequestInit = {}) => app.request(`${BASE}${path}`, init)
  const put = (
    path: string,
    body: string,
    token: string | null = tokens.all.secret,
    headers: Record<string, string> = {},
  ) =>
    request(path, {
      method: 'PUT',
      body,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
    })
  const publish = (id: string, version: string, extra?: Record<string, unknown>, token?: string) =>
    put(`/v1/templates/${id}/${version}`, versionDoc(id, version, extra), token)
  return {
    dir,
    store,
    app,
    tokens,
    request,
    put,
    publish,
    async cleanup() {
      app.close()
      await store.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

export type Registry = Awaited<ReturnType<typeof makeRegistry>>

/** Response bodies in tests are read as loosely typed JSON. */
export const json = (res: Response): Promise<any> => res.json() as Promise<any>
