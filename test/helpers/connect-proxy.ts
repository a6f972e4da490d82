import { createServer, request, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

export interface CountingProxy {
  url: string
  /** One entry per request or tunnel that went through: `CONNECT host:port` or `GET http://host:port/path`. */
  seen: string[]
  /** Targets (`host:port`) of everything that went through. */
  targets(): string[]
  reset(): void
  close(): Promise<void>
}

/**
 * A small forward proxy that counts what passes through it: CONNECT tunnels (what https-proxy-agent
 * and undici's ProxyAgent open) and absolute-URI requests (what http-proxy-agent sends for http).
 */
export async function startCountingProxy(): Promise<CountingProxy> {
  const seen: string[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    let u: URL
    try {
      u = new URL(req.url ?? '')
    } catch {
      res.writeHead(400).end()
      return
    }
    const up = request(
      {
        host: u.hostname,
        port: u.port || 80,
        path: `${u.pathname}${u.search}`,
        method: req.method,
        headers: req.headers,
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers)
        r.pipe(res)
      },
    )
    up.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()))
    req.pipe(up)
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  server.on('connect', (req, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`)
    const [host, port] = (req.url ?? '').split(/:(?=\d+$)/)
    const up = connect(Number(port), host!.replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) up.write(head)
      up.pipe(client)
      client.pipe(up)
    })
    sockets.add(up)
    up.on('close', () => sockets.delete(up))
    up.on('error', () => client.destroy())
    client.on('error', () => up.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    targets: () => seen.map((s) => (s.startsWith('CONNECT ') ? s.slice(8) : new URL(s.split(' ')[1]!).host)),
    reset: () => void seen.splice(0),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
