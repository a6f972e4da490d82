/**
 * The baseline server: a bare Hono app on @hono/node-server answering fixed paths with bytes held
 * in memory, nothing else. argv[2] is a JSON file `{ "<path>": { "file": "<bytes>", "headers": {…} } }`.
 * Prints its URL on stdout once listening.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const routes = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const bodies = new Map(Object.entries(routes).map(([path, route]) => [path, readFileSync(route.file)]))
const extra = new Map(Object.entries(routes).map(([path, route]) => [path, route.headers ?? {}]))
// A strong validator per body, so a conditional GET can be compared with ours too.
const etags = new Map(
  [...bodies].map(([path, body]) => [path, `"${createHash('sha256').update(body).digest('base64url')}"`]),
)

const app = new Hono()
app.get('*', (c) => {
  const body = bodies.get(c.req.path)
  if (!body) return c.notFound()
  const etag = etags.get(c.req.path)
  if (c.req.header('if-none-match') === etag) return c.body(null, 304, { etag })
  return c.body(body, 200, { 'content-type': 'application/json', etag, ...extra.get(c.req.path) })
})
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port}`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
