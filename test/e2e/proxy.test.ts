import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeProvider, type FakeProvider } from '../fixtures/fake-provider.js'
import { startCountingProxy, type CountingProxy } from '../helpers/connect-proxy.js'
import { fakeTemplate, runClient } from '../models/_registry.js'
import { startRegistry, type Registry } from './client-helpers.js'
import { REGISTRY_CLI, ROOT, startServer } from './server-helpers.js'

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

function registryCli(
  args: string[],
  extra: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [REGISTRY_CLI, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, DATABASE_URL: '', ...extra },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

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
