import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { derive, ROOT, sandbox, startRegistry, type Registry, type Sandbox } from '../helpers/client.js'
import { type RunningServer, startServer } from '../helpers/server.js'

/** Issue 5, client side: registries, scope routing, login, publish/deprecate/dist-tag. */
describe('private registry from the client', () => {
  let pub: Registry
  let acme: Registry
  let sb: Sandbox
  beforeAll(async () => {
    ;[pub, acme] = await Promise.all([startRegistry(), startRegistry()])
    sb = sandbox(pub.url, { ACME_TOKEN: acme.token })
  })
  afterAll(async () => {
    await Promise.all([pub?.stop(), acme?.stop()])
    sb?.cleanup()
  })

  const gateway = (version: string, model: string) =>
    derive('glm', '1.5.0', version, (d) => {
      d.id = '@acme/gateway'
      d.name = 'ACME gateway'
      d.baseUrl = 'https://llm.acme.example/anthropic'
      for (const r of Object.keys(d.models)) d.models[r] = model
    })

  it('adds, lists and routes a scope to its registry', () => {
    expect(sb.cm(['registry', 'add', 'acme', acme.url, '--scope', '@acme', '--token-env', 'ACME_TOKEN']).code).toBe(0)
    expect(sb.cm(['registry', 'add', 'acme2', acme.url, '--scope', '@acme']).code).toBe(1)
    const list = JSON.parse(sb.cm(['registry', 'list', '--json']).stdout).registries
    expect(list).toEqual([
      { name: 'public', url: pub.url, scope: null, token: '$CLAUDE_MULTI_TOKEN (unset)' },
      { name: 'acme', url: acme.url, scope: '@acme', token: '$ACME_TOKEN' },
    ])
    writeFileSync(join(sb.dir, 'gw.json'), gateway('1.0.0', 'acme-large'))
    const p = sb.cm(['publish', join(sb.dir, 'gw.json')])
    expect(p.stderr).toBe('')
    expect(p.stdout).toContain('published @acme/gateway@1.0.0 to acme')
    const again = sb.cm(['publish', join(sb.dir, 'gw.json')])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('409')

    expect(sb.cm(['add', 'corp', '@acme/gateway', '--api-key-stdin'], { input: 'test-key\n' }).code).toBe(0)
    const lock = JSON.parse(readFileSync(join(sb.home, 'claude-multi.lock'), 'utf8'))
    expect(lock.instances.corp).toMatchObject({ template: '@acme/gateway', registry: 'acme', version: '1.0.0' })
    expect(sb.runWrapper('corp').ANTHROPIC_MODEL).toBe('acme-large')
    // A scope with no registry is an error naming the scope, not a request to public.
    const orphan = sb.cm(['info', '@other/gateway'])
    expect(orphan.code).toBe(1)
    expect(orphan.stderr).toContain('no registry owns scope @other')
    expect(sb.cm(['templates', '--json']).stdout).toContain('@acme/gateway')
  })

  it('a publish shows up in sync --check at once; deprecate and dist-tag move resolution', () => {
    writeFileSync(join(sb.dir, 'gw2.json'), gateway('1.1.0', 'acme-xl'))
    expect(sb.cm(['publish', join(sb.dir, 'gw2.json')]).code).toBe(0)
    expect(sb.cm(['sync', '--check', 'corp']).code).toBe(100)
    expect(sb.cm(['deprecate', '@acme/gateway@1.1.0', 'broken, use 1.0.0']).code).toBe(0)
    // Only deprecated versions above the current: stay.
    const info = JSON.parse(sb.cm(['info', '@acme/gateway', '--json']).stdout)
    expect(info.versions.find((v: { version: string }) => v.version === '1.1.0').deprecated).toBe('broken, use 1.0.0')
    expect(sb.cm(['sync', '--check', 'corp']).code).toBe(0)
    expect(sb.cm(['deprecate', '@acme/gateway@1.1.0', '']).code).toBe(0)
    expect(sb.cm(['dist-tag', '@acme/gateway', 'stable', '1.0.0']).code).toBe(0)
    expect(sb.cm(['pin', 'corp', 'stable']).code).toBe(0)
    expect(sb.cm(['sync', '--check', 'corp']).code).toBe(0)
    expect(sb.cm(['pin', 'corp', '^1.0.0']).code).toBe(0)
    expect(sb.cm(['sync', 'corp']).code).toBe(0)
    expect(sb.runWrapper('corp').ANTHROPIC_MODEL).toBe('acme-xl')
  })

  it('publish validates locally and lists every error before any request', () => {
    const doc = JSON.parse(gateway('1.2.0', 'x'))
    doc.baseUrl = 'ftp://nope'
    doc.models = { default: 'm' }
    doc.auth = 'PASSWORD'
    writeFileSync(join(sb.dir, 'bad.json'), JSON.stringify(doc))
    const r = sb.cm(['publish', join(sb.dir, 'bad.json')])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('baseUrl')
    expect(r.stderr).toContain('auth')
    expect(r.stderr).toContain('models')
    writeFileSync(join(sb.dir, 'notjson.json'), '{')
    expect(sb.cm(['publish', join(sb.dir, 'notjson.json')]).code).toBe(1)
  })

  it('registry login stores the token 0600 without echoing it; writes without a token are refused', () => {
    const plain = sandbox(pub.url)
    try {
      expect(plain.cm(['registry', 'add', 'acme', acme.url, '--scope', '@acme']).code).toBe(0)
      writeFileSync(join(plain.dir, 'gw3.json'), gateway('1.3.0', 'acme-3'))
      const denied = plain.cm(['publish', join(plain.dir, 'gw3.json')])
      expect(denied.code).toBe(1)
      expect(denied.stderr).toContain('registry login acme')
      const login = plain.cm(['registry', 'login', 'acme'], { input: `${acme.token}\n` })
      expect(login.code).toBe(0)
      expect(login.stdout + login.stderr).not.toContain(acme.token)
      const file = join(plain.home, 'tokens', 'acme')
      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect(plain.cm(['publish', join(plain.dir, 'gw3.json')]).code).toBe(0)
      const bad = plain.cm(['registry', 'login', 'acme'], { input: 'cmr_wrong\n' })
      expect(bad.code).toBe(0)
      writeFileSync(join(plain.dir, 'gw4.json'), gateway('1.4.0', 'acme-4'))
      const forged = plain.cm(['publish', join(plain.dir, 'gw4.json')])
      expect(forged.code).toBe(1)
      expect(forged.stderr).toContain('401')
      expect(forged.stderr).toContain('(run `claude-multi registry login acme`)')
      // A token from the --token-env variable wins over the login file: the hint names the variable.
      expect(plain.cm(['registry', 'remove', 'acme']).code).toBe(0)
      expect(plain.cm(['registry', 'add', 'acme', acme.url, '--scope', '@acme', '--token-env', 'ACME_ENV']).code).toBe(
        0,
      )
      const refused = plain.cm(['publish', join(plain.dir, 'gw4.json')], { env: { ACME_ENV: 'cmr_wrong' } })
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain('(the token comes from $ACME_ENV, which wins over')
      expect(plain.cm(['registry', 'remove', 'acme']).code).toBe(0)
      expect(plain.cm(['registry', 'list', '--json']).stdout).not.toContain('acme')
    } finally {
      plain.cleanup()
    }
  })

  it('removing a registry in use is refused', () => {
    const r = sb.cm(['registry', 'remove', 'acme'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('used by corp')
  })
})

describe('a refused token on reads names where it came from', () => {
  let dir: string
  let server: RunningServer
  let sb: Sandbox
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cm-authread-'))
    cpSync(join(ROOT, 'registry'), dir, { recursive: true })
    server = await startServer(['--data', dir, '--auth-read', '--quiet'])
    sb = sandbox(server.url)
  })
  afterAll(async () => {
    await server?.stop()
    sb?.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })

  it('a per-id document refused with 401 says the --token-env variable wins over registry login', () => {
    // info reads the template's own document, not the index: its refusal must give the same hint.
    const refused = sb.cm(['info', 'glm'], { env: { CLAUDE_MULTI_TOKEN: 'cmr_wrong' } })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('/v1/templates/glm.json')
    expect(refused.stderr).toContain('the token comes from $CLAUDE_MULTI_TOKEN, which wins over')
    // Without the variable, logging in is the fix.
    const anonymous = sb.cm(['info', 'glm'])
    expect(anonymous.code).toBe(1)
    expect(anonymous.stderr).toContain('(run `claude-multi registry login public`)')
  })
})
