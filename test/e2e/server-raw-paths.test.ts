import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../helpers/server.js'

/** Sends the request line exactly as written (fetch and curl would normalise the dots away). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('raw request paths (path traversal as sent on the wire)', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer(['--quiet'])
  })
  afterAll(() => server.stop())

  it.each([
    '/v1/templates/../../package.json',
    '/v1/templates/%2e%2e/%2e%2e/package.json',
    '/v1/templates/%2E%2E/glm.json',
    '/v1/templates/glm/../../../etc/passwd',
    '/v1/templates/./glm.json',
    '/v1/templates/.%2e/x.json',
    '/v1/templates/glm/..',
    '/v1/templates/..%2f..%2fpackage.json',
    '/v1/templates/glm%00.json',
    '/v1/templates/GLM.json',
  ])('%s → 400 JSON', async (path) => {
    const res = await rawGet(server.url, path)
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body).error.code).toMatch(/^E_BAD_/)
  })

  it('still serves ordinary paths', async () => {
    expect((await rawGet(server.url, '/v1/templates/glm.json')).status).toBe(200)
    expect((await rawGet(server.url, '/v1/index.json?x=..')).status).toBe(200)
  })
})
