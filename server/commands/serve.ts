import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { setFlagsFromString } from 'node:v8'
import { serve } from '@hono/node-server'
import { defineCommand } from 'citty'
import { sha256 } from '../../shared/digest.js'
import { CliError, UsageError } from '../../shared/errors.js'
import { createApp, DEFAULT_BODY_LIMIT } from '../app.js'
import type { LogFormat } from '../middleware/request-log.js'
import { parseInteger, parseSize, parseUrl } from './_parse.js'
import { openStoreFromArgs, storeArgs } from './_store-args.js'
import { signArgs, signingFromArgs } from '../signing.js'

/** Time to receive a request's headers, and the whole request; idle keep-alive connections close sooner. */
export const HEADERS_TIMEOUT_MS = 10_000
export const REQUEST_TIMEOUT_MS = 30_000
const KEEP_ALIVE_MS = 5_000
const MAX_CONNECTIONS = 1024

export default defineCommand({
  meta: { name: 'serve', description: 'Serve the registry over HTTP' },
  args: {
    port: { type: 'string', default: '8787', description: 'Port (0 picks a free one)' },
    host: { type: 'string', default: '127.0.0.1', description: 'Interface to listen on' },
    ...storeArgs,
    init: {
      type: 'boolean',
      default: false,
      description: 'Create the --data directory when it does not exist (an empty registry)',
    },
    upstream: { type: 'string', description: 'Mirror this registry next to our own templates' },
    'upstream-max-age': {
      type: 'string',
      default: '300',
      description: 'Refresh the upstream index at most this often (seconds)',
    },
    'upstream-token-env': {
      type: 'string',
      description: 'Variable holding a token for an upstream that needs one for reading',
    },
    'upstream-cache': {
      type: 'string',
      description: 'Where upstream documents are cached (default: <data>/.upstream-cache)',
    },
    'auth-read': { type: 'boolean', default: false, description: 'Every GET needs a token (read or publish)' },
    'body-limit': {
      type: 'string',
      default: String(DEFAULT_BODY_LIMIT),
      description: 'Largest request body (bytes, or 64kb / 1mb)',
    },
    'log-format': { type: 'string', default: 'json', description: 'Request log on stderr: json or pretty' },
    quiet: { type: 'boolean', default: false, description: 'No request log' },
    'max-connections': {
      type: 'string',
      default: String(MAX_CONNECTIONS),
      description: 'Open connections at most; more are refused until one closes',
    },
    ...signArgs,
  },
  async run({ args }) {
    // V8 moves an allocation site to old space once most of its objects outlive a young collection.
    // The index build and the first page render teach it that of sites every request also uses, after
    // which each request's garbage went straight to old space: at 10,000 ids RSS rose 50 MB/s under a
    // 304 load, to 430 MB before a full collection, at a third of the throughput. Off, the same load
    // stays at the build's 250 MB. Checked at every collection, so setting it here takes effect.
    setFlagsFromString('--no-allocation-site-pretenuring')
    const port = parseInteger(args.port, '--port', 0, 65535)
    const maxConnections = parseInteger(args['max-connections'], '--max-connections', 1, 1_000_000)
    const bodyLimit = parseSize(args['body-limit'], '--body-limit')
    const logFormat = args['log-format']
    if (logFormat !== 'json' && logFormat !== 'pretty')
      throw new UsageError(`--log-format must be json or pretty, got "${logFormat}"`)
    const upstreamUrl = args.upstream ? parseUrl(args.upstream, '--upstream') : undefined
    const tokenVar = args['upstream-token-env']
    const upstreamToken = tokenVar ? process.env[tokenVar] : undefined
    if (tokenVar && !upstreamToken) throw new UsageError(`--upstream-token-env ${tokenVar}: the variable is not set`)
    const maxAge = parseInteger(args['upstream-max-age'], '--upstream-max-age', 0, 31_536_000)

    // Before opening the store: a bad key is a usage problem, reported before anything listens.
    const signing = signingFromArgs(args)
    const { store, dataDir } = await openStoreFromArgs(args, { init: args.init })
    if (!(await store.ready().catch(() => false)))
      throw new CliError('E_STORE', `the ${store.kind} store is not reachable`, 1, 'check --data / --store')
    const cacheDir =
      args['upstream-cache'] ??
      (dataDir
        ? join(dataDir, '.upstream-cache')
        : join(tmpdir(), `claude-multi-registry-${sha256(upstreamUrl ?? '', 'hex').slice(0, 12)}`))

    const app = createApp({
      store,
      authRead: args['auth-read'],
      bodyLimit,
      logFormat: args.quiet ? 'none' : (logFormat as LogFormat),
      ...signing,
      ...(upstreamUrl
        ? {
            upstream: {
              url: upstreamUrl,
              maxAgeSeconds: maxAge,
              cacheDir,
              ...(upstreamToken ? { token: upstreamToken } : {}),
            },
          }
        : {}),
    })

    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      // A client that sends its headers or body one byte at a time (slowloris) is cut off, and the
      // number of open connections is bounded, so a few sockets cannot hold the registry.
      const serverOptions = {
        headersTimeout: HEADERS_TIMEOUT_MS,
        requestTimeout: REQUEST_TIMEOUT_MS,
        keepAliveTimeout: KEEP_ALIVE_MS,
      }
      const s = serve({ fetch: app.fetch, port, hostname: args.host, serverOptions }, (info) => {
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address
        const url = `http://${host}:${info.port}`
        // The one line a newcomer needs next: the client reads the bundled files unless told otherwise.
        process.stdout.write(
          `claude-multi-registry listening on ${url}\n  point a client at it: export CLAUDE_MULTI_REGISTRY=${url}\n`,
        )
        resolve(s)
      })
      s.maxConnections = maxConnections
      s.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE')
          reject(
            new CliError(
              'E_PORT',
              `port ${port} on ${args.host} is already in use`,
              1,
              'pick another with --port (0 = any free port)',
            ),
          )
        else if (error.code === 'EACCES')
          reject(new CliError('E_PORT', `not allowed to listen on ${args.host}:${port}`, 1, 'use a port above 1024'))
        else reject(error)
      })
    })

    // Runs until SIGINT/SIGTERM; the command then resolves and the entry point lets the process end.
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop)
        process.off('SIGTERM', stop)
        server.close()
        // Keep-alive connections would hold the server open; a stopping registry answers no more.
        ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
        app.close()
        // A store that cannot close in time (a stuck database connection) does not keep us running.
        const timer = setTimeout(resolve, 2000)
        void store.close().finally(() => {
          clearTimeout(timer)
          resolve()
        })
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    return 0
  },
})
