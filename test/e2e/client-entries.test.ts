/**
 * Issue 16: the client's cost does not grow with the catalogue. Against a real signing
 * `claude-multi-registry serve`, `sync --check`, `outdated`, `sync`, `info`, `doctor` and `adopt`
 * read only the signed per-id documents of the templates in use (revalidated with If-None-Match →
 * 304), never the full index; a new version reaches them through the same small documents.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { derive, sandbox, type Sandbox } from '../helpers/client.js'
import { ROOT, runCli, startServer, type RunningServer } from '../helpers/server.js'

const work = mkdtempSync(join(tmpdir(), 'cm-entries-'))
let server: RunningServer
let s: Sandbox
let token = ''
let keyId = ''
let logFrom = 0

/** The requests the server logged since the last call: `GET /path status` (after its log lines arrived). */
async function requests(): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 150))
  const lines = server.stderr().split('\n').slice(logFrom)
  logFrom += lines.length - 1
  return lines
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { method: string; path: string; status: number })
    .map((r) => `${r.method} ${r.path} ${r.status}`)
}

beforeAll(async () => {
  const data = join(work, 'data')
  cpSync(join(ROOT, 'registry'), data, { recursive: true })
  expect(runCli(['keygen', '--out', join(work, 'key')]).code).toBe(0)
  const created = runCli(['token', 'create', '--name', 'ci', '--scope', '*', '--data', data, '--json'])
  token = (JSON.parse(created.stdout) as { token: string }).token
  server = await startServer(['--data', data, '--sign-key', join(work, 'key/signing-key.pem'), '--log-format', 'json'])
  const pub = (
    JSON.parse(readFileSync(join(work, 'key/public-key.json'), 'utf8')) as {
      keys: { publicKey: string; keyId: string }[]
    }
  ).keys[0]!
  keyId = pub.keyId
  s = sandbox(server.url, { CLAUDE_MULTI_REGISTRY_KEY: pub.publicKey })
  for (const [name, id] of [
    ['work', 'glm@^1'],
    ['home', 'kimi'],
    ['play', 'qwen'],
  ] as const) {
    const r = s.cm(['add', name, id, '--api-key-env', 'K'])
    expect(r.code, r.stderr).toBe(0)
  }
}, 60_000)

afterAll(async () => {
  await server?.stop()
  s?.cleanup()
  rmSync(work, { recursive: true, force: true })
})

describe('a client of a signing registry reads only the documents of its templates', () => {
  it('add and sync --check: three signed per-id documents, then only 304s, never the index', async () => {
    // The three `add`s of beforeAll: one per-id document each (and its version document).
    const adds = await requests()
    expect(adds.filter((r) => /^GET \/v1\/templates\/[a-z]+\.json 200$/.test(r)).sort()).toEqual([
      'GET /v1/templates/glm.json 200',
      'GET /v1/templates/kimi.json 200',
      'GET /v1/templates/qwen.json 200',
    ])
    expect(adds.some((r) => r.includes('/v1/index.json'))).toBe(false)
    expect(s.cm(['sync', '--check']).code).toBe(0)
    expect(s.cm(['outdated']).code).toBe(0)
    const again = await requests()
    expect(again.length).toBe(6)
    expect(again.every((r) => / 304$/.test(r) && r.includes('/v1/templates/') && !r.includes('index'))).toBe(true)
    // Each accepted per-id serial is remembered for the rollback check.
    const trust = JSON.parse(s.read(join(s.home, 'trust.json'))) as {
      registries: { public: { entries: Record<string, { serial: number }> } }
    }
    expect(Object.keys(trust.registries.public.entries).sort()).toEqual(['glm', 'kimi', 'qwen'])
  })

  it('a published version reaches sync through the per-id document, signed by the pinned key', async () => {
    const latest = (
      JSON.parse(readFileSync(join(ROOT, 'registry/templates/glm/meta.json'), 'utf8')) as {
        'dist-tags': { latest: string }
      }
    )['dist-tags'].latest
    const [a, b, c] = latest.split('.').map(Number) as [number, number, number]
    const next = `${a}.${b}.${c + 1}`
    const res = await fetch(`${server.url}/v1/templates/glm/${next}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: derive('glm', latest, next, (d) => (d.changelog = 'a patch')),
    })
    expect(res.status, await res.text()).toBe(201)
    await requests()
    expect(s.cm(['sync', '--check']).code).toBe(100)
    const synced = s.cm(['sync'])
    expect(synced.code, synced.stderr).toBe(0)
    expect(synced.stdout).toContain(`${latest} → ${next}`)
    expect((await requests()).some((r) => r.includes('/v1/index.json'))).toBe(false)
    const lock = JSON.parse(s.read(join(s.home, 'claude-multi.lock'))) as {
      instances: Record<string, { version: string; keyId: string | null }>
    }
    expect(lock.instances.work).toMatchObject({ version: next, keyId })
  })

  it('info, doctor and a lock entry rebuilt from its wrapper read per-id documents too', async () => {
    await requests()
    const info = s.cm(['info', 'kimi'])
    expect(info.code, info.stderr).toBe(0)
    const doctor = JSON.parse(s.cm(['doctor', '--json']).stdout) as { checks: { check: string; message: string }[] }
    expect(doctor.checks.find((c) => c.check === 'registry public')?.message).toBe(
      `${server.url}: the entries of glm, kimi, qwen read and checked, signed by key ${keyId}`,
    )
    const path = join(s.home, 'claude-multi.lock')
    const lock = JSON.parse(s.read(path)) as { instances: Record<string, unknown> }
    delete lock.instances.play
    writeFileSync(path, JSON.stringify(lock))
    const adopt = s.cm(['adopt', 'play'])
    expect(adopt.code, adopt.stderr).toBe(0)
    const seen = await requests()
    expect(seen.filter((r) => r.includes('/v1/index.json'))).toEqual([])
    expect(seen).toContain('GET /v1/templates/kimi.json 304')
  })

  it('commands that list the catalogue still read the full index', async () => {
    await requests()
    expect(s.cm(['templates']).code).toBe(0)
    expect(await requests()).toContain('GET /v1/index.json 200')
  })
})
