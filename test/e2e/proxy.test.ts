import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js'
import { startCountingProxy, type CountingProxy } from '../helpers/connect-proxy.js'
import { fakeTemplate, runClient, runScript } from '../helpers/model-registry.js'
import { startRegistry, type Registry } from '../helpers/client.js'
import { REGISTRY_CLI, startServer } from '../helpers/server.js'

/**
 * Issue 15 item 4: every kind of outgoing request honours HTTP(S)_PROXY / NO_PROXY. The proxy
 * counts what passes through it; the commands run as real processes (asynchronously, so the
 * in-process proxy and provider keep answering).
 */
const KEY = 'sk-test-FAKE'
let proxy: CountingProxy
let provider: FakeProvider
let reg: Registry
let dir: string
let env: NodeJS.ProcessEnv
const host = (url: string) => new URL(url).host

const registryCli = (args: string[], extra: NodeJS.ProcessEnv) =>
  runScript(REGISTRY_CLI, args, { PATH: process.env.PATH, DATABASE_URL: '', ...extra })

beforeAll(async () => {
  ;[proxy, provider, reg] = await Promise.all([
    startCountingProxy(),
    startFakeProvider({ models: ['fake-2', 'fake-2-mini', 'fake-3'], auth: 'bearer', key: KEY }),
    startRegistry(),
  ])
  dir = mkdtempSync(join(tmpdir(), 'cm-proxy-'))
  env = {
    PATH: process.env.PATH,
    HOME: dir,
    CLAUDE_MULTI_HOME: join(dir, '.claude-multi'),
    CLAUDE_MULTI_BIN_DIR: join(dir, 'bin'),
    CLAUDE_MULTI_REGISTRY: reg.url,
    CLAUDE_MULTI_TOKEN: reg.token,
    CLAUDE_MULTI_CLAUDE_PATH: '/bin/true',
    NO_COLOR: '1',
  }
  writeFileSync(join(dir, 'fake-1.0.0.json'), JSON.stringify(fakeTemplate(provider.url, '1.0.0')))
  writeFileSync(join(dir, 'fake-1.0.1.json'), JSON.stringify(fakeTemplate(provider.url, '1.0.1')))
})

afterAll(async () => {
  await Promise.all([proxy?.close(), provider?.close(), reg?.stop()])
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** Runs a client command with `vars`, and returns what the proxy saw. */
async function through(args: string[], vars: NodeJS.ProcessEnv, stdin?: string): Promise<string[]> {
  proxy.reset()
  const r = await runClient(args, { ...env, ...vars }, stdin)
  expect(r.stderr, `${args.join(' ')}: ${r.stderr}`).not.toMatch(/error|E_/)
  expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).not.toBe(null)
  return proxy.targets()
}

describe('the client', () => {
  it('sends every request kind through HTTP_PROXY: publish, add, sync --check, outdated, dist-tag, deprecate, doctor --models --probe', async () => {
    const P = { HTTP_PROXY: proxy.url }
    const r = host(reg.url)
    expect(await through(['publish', join(dir, 'fake-1.0.0.json')], P)).toEqual([r])
    expect(new Set(await through(['add', 'work', 'fake', '--api-key-stdin'], P, `${KEY}\n`))).toEqual(new Set([r]))
    expect(await through(['publish', join(dir, 'fake-1.0.1.json')], P)).toEqual([r])
    expect(new Set(await through(['sync', '--check', 'work'], P))).toEqual(new Set([r]))
    expect(new Set(await through(['outdated', '--long'], P))).toEqual(new Set([r]))
    expect(await through(['dist-tag', 'fake', 'stable', '1.0.0'], P)).toEqual([r])
    expect(await through(['deprecate', 'fake@1.0.1', 'use 1.0.0'], P)).toEqual([r])
    const doctor = await through(['doctor', '--models', '--probe', 'work'], P)
    expect(new Set(doctor)).toEqual(new Set([host(provider.url)]))
    expect(doctor.length).toBeGreaterThanOrEqual(1)
  })

  it('honours the lower-case variables and the proxy for https only when only HTTPS_PROXY is set', async () => {
    expect(await through(['sync', '--check', 'work'], { http_proxy: proxy.url })).toContain(host(reg.url))
    // HTTPS_PROXY covers https:// URLs only; these registries speak http.
    expect(await through(['sync', '--check', 'work'], { HTTPS_PROXY: proxy.url })).toEqual([])
  })

  it('bypasses the proxy for NO_PROXY hosts: host, host:port and *', async () => {
    const P = { HTTP_PROXY: proxy.url }
    for (const noProxy of ['127.0.0.1', '*', host(reg.url)]) {
      expect(await through(['sync', '--check', 'work'], { ...P, NO_PROXY: noProxy })).toEqual([])
    }
    expect(await through(['sync', '--check', 'work'], { ...P, no_proxy: '127.0.0.1' })).toEqual([])
    // host:port only matches that port: the provider (another port) still goes through.
    expect(await through(['doctor', '--models', 'work'], { ...P, NO_PROXY: host(reg.url) })).toEqual([
      host(provider.url),
    ])
    expect(await through(['doctor', '--models', 'work'], { ...P, NO_PROXY: host(provider.url) })).toEqual([])
    expect(
      await through(['dist-tag', 'fake', 'stable', '1.0.0'], { ...P, NO_PROXY: `localhost,${host(reg.url)}` }),
    ).toEqual([])
  })
})

describe('the registry server', () => {
  it('fetches its --upstream through the proxy, and directly for a NO_PROXY upstream', async () => {
    for (const [noProxy, expected] of [
      [undefined, [host(reg.url)]],
      [host(reg.url), []],
    ] as const) {
      const data = mkdtempSync(join(dir, 'mirror-'))
      const mirror = await startServer(['--data', data, '--upstream', reg.url, '--upstream-max-age', '0', '--quiet'], {
        HTTP_PROXY: proxy.url,
        ...(noProxy ? { NO_PROXY: noProxy } : {}),
      })
      try {
        proxy.reset()
        const index = (await (await fetch(`${mirror.url}/v1/index.json`)).json()) as {
          templates: Record<string, unknown>
        }
        expect(Object.keys(index.templates)).toContain('fake')
        expect((await fetch(`${mirror.url}/v1/templates/fake/1.0.0.json`)).status).toBe(200)
        expect([...new Set(proxy.targets())]).toEqual(expected)
      } finally {
        await mirror.stop()
      }
    }
  })

  it('watch asks the provider and publishes its draft through the proxy', async () => {
    const drafts = join(dir, 'drafts')
    proxy.reset()
    const r = await registryCli(
      [
        'watch',
        'fake',
        '--key-env',
        'K',
        '--provider-url',
        `fake=${provider.url}`,
        '--drafts',
        drafts,
        '--data',
        reg.data,
        '--publish',
        '--registry',
        reg.url,
        '--token-env',
        'T',
        '--json',
      ],
      { K: KEY, T: reg.token, HTTP_PROXY: proxy.url },
    )
    expect(r.code, r.stderr).toBe(0)
    const [result] = JSON.parse(r.stdout) as { status: string; published?: string }[]
    expect(result!.status).toBe('changed')
    expect(result!.published).toContain('/v1/templates/fake/')
    expect(new Set(proxy.targets())).toEqual(new Set([host(provider.url), host(reg.url)]))
  })
})

describe('https with a private CA (NODE_EXTRA_CA_CERTS)', () => {
  let tls: { url: string; ca: string; close(): Promise<void> }
  beforeAll(async () => {
    tls = await startTlsFront(reg.url, join(dir, 'pki'))
  })
  afterAll(() => tls?.close())

  it('the client refuses the unknown CA with a hint, trusts it from NODE_EXTRA_CA_CERTS, and tunnels through HTTPS_PROXY', async () => {
    const home = mkdtempSync(join(dir, 'tls-'))
    const tenv = {
      ...env,
      HOME: home,
      CLAUDE_MULTI_HOME: join(home, 'cm'),
      CLAUDE_MULTI_BIN_DIR: join(home, 'bin'),
      CLAUDE_MULTI_REGISTRY: tls.url,
    }
    const refused = await runClient(['add', 'tls', 'glm', '--api-key-stdin'], tenv, 'k\n')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/TLS certificate problem \([A-Z_]+\); a private CA goes in NODE_EXTRA_CA_CERTS/)
    const trusted = { ...tenv, NODE_EXTRA_CA_CERTS: tls.ca }
    const added = await runClient(['add', 'tls', 'glm', '--api-key-stdin'], trusted, 'k\n')
    expect(added.stderr).toBe('')
    expect(added.code).toBe(0)
    proxy.reset()
    const check = await runClient(['sync', '--check', 'tls'], { ...trusted, HTTPS_PROXY: proxy.url })
    expect(check.code, check.stderr).toBe(0)
    expect(proxy.seen).toEqual([`CONNECT ${host(tls.url)}`])
  })

  it('the mirror reaches an https upstream through HTTPS_PROXY with the CA from NODE_EXTRA_CA_CERTS', async () => {
    for (const trust of [false, true]) {
      const data = mkdtempSync(join(dir, 'mirror-tls-'))
      const mirror = await startServer(['--data', data, '--upstream', tls.url, '--upstream-max-age', '0', '--quiet'], {
        HTTPS_PROXY: proxy.url,
        ...(trust ? { NODE_EXTRA_CA_CERTS: tls.ca } : {}),
      })
      try {
        proxy.reset()
        const index = (await (await fetch(`${mirror.url}/v1/index.json`)).json()) as {
          templates: Record<string, unknown>
        }
        expect('glm' in index.templates).toBe(trust)
        expect(proxy.seen[0]).toBe(`CONNECT ${host(tls.url)}`)
      } finally {
        await mirror.stop()
      }
    }
  })
})

/** A private CA and an https front (localhost) for `target`, made with openssl. */
async function startTlsFront(
  target: string,
  pki: string,
): Promise<{ url: string; ca: string; close(): Promise<void> }> {
  mkdirSync(pki, { recursive: true })
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: pki, stdio: 'pipe' })
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=claude-multi test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  )
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=localhost')
  writeFileSync(
    join(pki, 'ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  )
  ssl(
    'x509',
    '-req',
    '-in',
    'srv.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'srv.pem',
    '-days',
    '2',
    '-extfile',
    'ext',
  )
  const t = new URL(target)
  const server = createHttpsServer(
    { key: readFileSync(join(pki, 'srv.key')), cert: readFileSync(join(pki, 'srv.pem')) },
    (req, res) => {
      const up = httpRequest(
        {
          host: t.hostname,
          port: t.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: t.host },
        },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers)
          r.pipe(res)
        },
      )
      up.on('error', () => res.writeHead(502).end())
      req.pipe(up)
    },
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `https://localhost:${(server.address() as AddressInfo).port}`,
    ca: join(pki, 'ca.pem'),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
