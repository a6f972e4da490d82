/**
 * Issue 7 acceptance: a registry serving a document altered by one byte, an index signed by another
 * key, and an index replayed from last week → three clear refusals naming the registry, and nothing
 * written. Runs the real binaries: `claude-multi-registry keygen/build --sign-key` produce the
 * signed trees, a plain static server plays the (compromised) registry, `claude-multi` is the client.
 */
import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { integrityOfText } from '../../shared/digest.js'
import { signIndex } from '../../shared/sign.js'
import { entryContent, signEntry } from '../../shared/sign-entry.js'
import type { RegistryIndex, TemplateEntry } from '../../shared/types.js'
import { CLIENT_CLI, sandbox, type Sandbox } from '../helpers/client.js'
import { ROOT, runCli } from '../helpers/server.js'
import semverGt from 'semver/functions/gt.js'

const DAY = 24 * 60 * 60 * 1000
const work = mkdtempSync(join(tmpdir(), 'cm-trust-accept-'))

/** A static host whose answers the test swaps between scenarios (the "registry"). */
let files = new Map<string, string>()
let server: Server
let url = ''

function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else out.set(`/${relative(dir, p)}`, readFileSync(p, 'utf8'))
    }
  }
  walk(dir)
  return out
}

/** Every file under the client's home and bin dir, with its mode: "nothing written" is checked on this. */
function snapshot(s: Sandbox, skip: (path: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {}
  for (const root of [s.home, s.bin, join(s.dir, 'userhome')]) {
    if (!existsSync(root)) continue
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const p = join(d, name)
        const st = statSync(p)
        if (st.isDirectory()) walk(p)
        else if (!skip(p)) out[p] = `${(st.mode & 0o777).toString(8)} ${readFileSync(p, 'base64')}`
      }
    }
    walk(root)
  }
  return out
}

function build(data: string, out: string, key: string): Map<string, string> {
  const res = runCli(['build', '--data', data, '--out', out, '--sign-key', key])
  if (res.code !== 0) throw new Error(`build failed: ${res.stderr}`)
  return tree(out)
}

/** The client, run asynchronously: the fake registry lives in this process and must keep answering. */
function cm(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLIENT_CLI, ...args], {
      env: { ...s.env, ...env },
      cwd: s.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

const indexOf = (t: Map<string, string>) => JSON.parse(t.get('/v1/index.json')!) as RegistryIndex
/** The signed per-id document of glm in a built tree: what `sync` reads instead of the index. */
const glmOf = (t: Map<string, string>) =>
  JSON.parse(t.get('/v1/templates/glm.json')!) as TemplateEntry & { serial: number; expires: string }
const GLM = '/v1/templates/glm.json'

let trusted: { keyFile: string; publicFile: string }
let attacker: { keyFile: string }
let v14: Map<string, string>
let v15: Map<string, string>
let s: Sandbox

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = files.get((req.url ?? '/').split('?')[0]!)
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' })
    res.end(body ?? '{"error":{"code":"E_NOT_FOUND","message":"not found"}}')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  for (const who of ['trusted', 'attacker']) {
    const res = runCli(['keygen', '--out', join(work, who)])
    expect(res.code, res.stderr).toBe(0)
  }
  trusted = { keyFile: join(work, 'trusted/signing-key.pem'), publicFile: join(work, 'trusted/public-key.json') }
  attacker = { keyFile: join(work, 'attacker/signing-key.pem') }

  // Two states of one registry: glm up to 1.4.0, then 1.5.0 published.
  const data = join(work, 'data')
  cpSync(join(ROOT, 'registry/templates/glm'), join(data, 'templates/glm'), { recursive: true })
  type Meta = { 'dist-tags': Record<string, string>; versions: Record<string, unknown> }
  // Versions after 1.5.0 play no part here: both states end at 1.4.0 and 1.5.0.
  const catalogue = JSON.parse(readFileSync(join(data, 'templates/glm/meta.json'), 'utf8')) as Meta
  for (const v of Object.keys(catalogue.versions).filter((v) => semverGt(v, '1.5.0'))) {
    delete catalogue.versions[v]
    rmSync(join(data, `templates/glm/${v}.json`))
  }
  catalogue['dist-tags'].latest = '1.5.0'
  const full = JSON.stringify(catalogue, null, 2)
  const meta = JSON.parse(full) as Meta
  delete meta.versions['1.5.0']
  meta['dist-tags'].latest = '1.4.0'
  const v150 = readFileSync(join(data, 'templates/glm/1.5.0.json'), 'utf8')
  rmSync(join(data, 'templates/glm/1.5.0.json'))
  writeFileSync(join(data, 'templates/glm/meta.json'), JSON.stringify(meta, null, 2))
  v14 = build(data, join(work, 'out14'), trusted.keyFile)
  writeFileSync(join(data, 'templates/glm/1.5.0.json'), v150)
  writeFileSync(join(data, 'templates/glm/meta.json'), full)
  v15 = build(data, join(work, 'out15'), trusted.keyFile)
  expect(indexOf(v15).serial).toBeGreaterThan(indexOf(v14).serial!)

  files = v14
  s = sandbox()
  const added = await cm(['registry', 'add', 'acme', url, '--key', trusted.publicFile])
  expect(added.code, added.stderr).toBe(0)
  expect(added.stdout).toMatch(/signing key [0-9a-f]{16} pinned/)
  const created = await cm(['add', 'work', 'glm@^1', '--registry', 'acme', '--api-key-env', 'ZAI_KEY'])
  expect(created.code, created.stderr).toBe(0)
}, 120_000)

afterAll(async () => {
  server?.close()
  s?.cleanup()
  rmSync(work, { recursive: true, force: true })
})

describe('a compromised or replaying registry is refused, and nothing is written', () => {
  it('a version document altered by one byte', async () => {
    const good = v15.get('/v1/templates/glm/1.5.0.json')!
    const at = good.indexOf('glm-5.') + 'glm-5.'.length
    const altered = good.slice(0, at) + String.fromCharCode(good.charCodeAt(at) ^ 1) + good.slice(at + 1)
    expect(altered.length).toBe(good.length)
    files = new Map([...v15, ['/v1/templates/glm/1.5.0.json', altered]])
    // The index itself is genuine, so caching it (and its serial) is allowed; nothing else is.
    const instanceState = (p: string) => p.includes(`${join(s.home, 'cache')}/`) || p === join(s.home, 'trust.json')
    const before = snapshot(s, instanceState)
    const res = await cm(['sync'])
    expect(res.code).not.toBe(0)
    expect(res.stderr).toMatch(/glm@1\.5\.0 from acme has integrity .* but the index says .*refusing it/)
    expect(res.stderr.trim().split('\n')).toHaveLength(1)
    expect(snapshot(s, instanceState)).toEqual(before)
    expect(Object.keys(snapshot(s)).some((p) => p.endsWith('glm/1.5.0.json'))).toBe(false)
  })

  it('an index signed by another key', async () => {
    const forged = signIndex(indexOf(v15), readFileSync(attacker.keyFile, 'utf8'), {
      serial: indexOf(v15).serial! + 10,
    })
    const forgedEntry = signEntry(glmOf(v15), readFileSync(attacker.keyFile, 'utf8'), {
      serial: glmOf(v15).serial + 10,
      expires: glmOf(v15).expires,
    })
    files = new Map([...v15, ['/v1/index.json', JSON.stringify(forged)], [GLM, JSON.stringify(forgedEntry)]])
    const before = snapshot(s)
    // `sync` and `info` read the per-id document, `templates` the index: all forged, all refused.
    for (const args of [['sync'], ['info', 'glm', '--registry', 'acme']]) {
      const res = await cm(args)
      expect(res.code).not.toBe(0)
      expect(res.stderr).toMatch(
        /registry acme \(http:\/\/127\.0\.0\.1:\d+\) served the entry of "glm" signed by key [0-9a-f]{16}, not by the pinned key/,
      )
    }
    const listed = await cm(['templates', '--registry', 'acme'])
    expect(listed.code).not.toBe(0)
    expect(listed.stderr).toMatch(
      /registry acme \(http:\/\/127\.0\.0\.1:\d+\) served an index signed by key [0-9a-f]{16}, not by the pinned key/,
    )
    expect(snapshot(s)).toEqual(before)
  })

  it('an index replayed from last week (expired), and an older one still within its validity (rollback)', async () => {
    const old = indexOf(v14)
    const lastWeek = signIndex(old, readFileSync(trusted.keyFile, 'utf8'), {
      serial: old.serial! - 7 * 86400,
      now: Date.now() - 8 * DAY,
    })
    const oldEntry = glmOf(v14)
    const lastWeekEntry = signEntry(
      entryContent(oldEntry) as unknown as TemplateEntry,
      readFileSync(trusted.keyFile, 'utf8'),
      { serial: oldEntry.serial - 7 * 86400, expires: new Date(Date.now() - DAY).toISOString() },
    )
    files = new Map([...v14, ['/v1/index.json', JSON.stringify(lastWeek)], [GLM, JSON.stringify(lastWeekEntry)]])
    // `templates` reads the index, `sync` the per-id document: each replay is refused on its own.
    const indexCheck = async (pattern: RegExp) => {
      const r = await cm(['templates', '--registry', 'acme'])
      expect(r.code).not.toBe(0)
      expect(r.stderr).toMatch(pattern)
    }
    const before = snapshot(s)
    const expired = await cm(['sync'])
    expect(expired.code).not.toBe(0)
    expect(expired.stderr).toMatch(
      /registry acme .* served the entry of "glm" that expired at .*refusing it \(--allow-expired uses it anyway\)/,
    )
    await indexCheck(
      /registry acme .* served an index that expired at .*refusing it \(--allow-expired uses it anyway\)/,
    )
    expect(snapshot(s)).toEqual(before)
    // --allow-expired takes it (a warning says so), but the serial check still refuses the replay.
    const allowed = await cm(['sync', '--allow-expired'])
    expect(allowed.stderr).toMatch(/served the entry of "glm" at serial \d+, older than serial \d+ already seen/)
    expect(snapshot(s)).toEqual(before)

    // Still valid, correctly signed, but older than the entry already seen: a rollback.
    files = v14
    const rolled = await cm(['sync'])
    expect(rolled.code).not.toBe(0)
    expect(rolled.stderr).toMatch(
      /registry acme .* served the entry of "glm" at serial \d+, older than serial \d+ already seen .*refusing it/,
    )
    expect(snapshot(s)).toEqual(before)
  })

  it('an unsigned index while a key is pinned', async () => {
    const { signature: _, ...unsigned } = indexOf(v15)
    // Unsigned per-id documents too: the client then falls back to the index (an older server).
    files = new Map([
      ...v15,
      ['/v1/index.json', JSON.stringify(unsigned)],
      [GLM, JSON.stringify(entryContent(glmOf(v15)))],
    ])
    const before = snapshot(s)
    const res = await cm(['sync'])
    expect(res.stderr).toMatch(/registry acme .* served an unsigned index, but key [0-9a-f]{16} is pinned/)
    expect(snapshot(s)).toEqual(before)
  })

  it('the genuine registry is accepted afterwards: sync completes and writes 1.5.0', async () => {
    files = v15
    const res = await cm(['sync'])
    expect(res.code, res.stderr).toBe(0)
    expect(s.read(join(s.bin, 'claude-work'))).toMatch(/# source: glm@1\.5\.0/)
    // The lock records which key signed what the instance was built from.
    const lock = JSON.parse(s.read(join(s.home, 'claude-multi.lock'))) as {
      instances: Record<string, { keyId: string | null }>
    }
    const pinnedId = (JSON.parse(readFileSync(trusted.publicFile, 'utf8')) as { keys: { keyId: string }[] }).keys[0]!
      .keyId
    expect(lock.instances.work?.keyId).toBe(pinnedId)
  })
})

describe('a published version rewritten under a valid signature', () => {
  it('is refused against the lock (a version never changes once locked)', async () => {
    const good = v15.get('/v1/templates/glm/1.5.0.json')!
    const rewritten = good.replace('"glm-5.3"', '"glm-5.3-evil"')
    expect(rewritten).not.toBe(good)
    const index = indexOf(v15)
    index.templates.glm!.versions['1.5.0']!.integrity = integrityOfText(rewritten)
    const resigned = signIndex(index, readFileSync(trusted.keyFile, 'utf8'), { serial: index.serial! + 100 })
    const entry = entryContent(glmOf(v15)) as unknown as TemplateEntry
    entry.versions['1.5.0']!.integrity = integrityOfText(rewritten)
    const resignedEntry = signEntry(entry, readFileSync(trusted.keyFile, 'utf8'), {
      serial: glmOf(v15).serial + 100,
      expires: glmOf(v15).expires,
    })
    files = new Map([
      ...v15,
      ['/v1/index.json', JSON.stringify(resigned)],
      [GLM, JSON.stringify(resignedEntry)],
      ['/v1/templates/glm/1.5.0.json', rewritten],
    ])
    const instanceState = (p: string) => p.includes(`${join(s.home, 'cache')}/`) || p === join(s.home, 'trust.json')
    const before = snapshot(s, instanceState)
    const res = await cm(['sync'])
    expect(res.code).not.toBe(0)
    expect(res.stderr).toMatch(/glm@1\.5\.0 in registry acme has integrity .* but the lock recorded .*refusing it/)
    expect(snapshot(s, instanceState)).toEqual(before)
  })
})

describe('the public registry given by URL', () => {
  it('CLAUDE_MULTI_REGISTRY_KEY pins its key', async () => {
    files = v15
    const publicKey = (JSON.parse(readFileSync(trusted.publicFile, 'utf8')) as { keys: { publicKey: string }[] })
      .keys[0]!.publicKey
    const ok = await cm(['templates', '--json'], { CLAUDE_MULTI_REGISTRY: url, CLAUDE_MULTI_REGISTRY_KEY: publicKey })
    expect(ok.code, ok.stderr).toBe(0)
    const other = (
      JSON.parse(readFileSync(join(work, 'attacker/public-key.json'), 'utf8')) as { keys: { publicKey: string }[] }
    ).keys[0]!.publicKey
    const refused = await cm(['templates', '--json'], { CLAUDE_MULTI_REGISTRY: url, CLAUDE_MULTI_REGISTRY_KEY: other })
    // `templates` lists what it can and warns about the refused registry: none of its templates appear
    // (registry acme, on the same URL with the right key, still lists its own).
    expect(refused.stderr).toMatch(/registry public .* not by the pinned key/)
    const fromPublic = (out: string) =>
      (JSON.parse(out) as { templates: { id: string; registry: string }[] }).templates
        .filter((t) => t.registry === 'public')
        .map((t) => t.id)
    expect(fromPublic(refused.stdout)).toEqual([])
    expect(fromPublic(ok.stdout)).toContain('glm')
  })
})

describe('registry add --trust-first-key', () => {
  it('pins the key the registry serves and prints its id', async () => {
    files = v15
    const id = (JSON.parse(readFileSync(trusted.publicFile, 'utf8')) as { keys: { keyId: string }[] }).keys[0]!.keyId
    const res = await cm(['registry', 'add', 'tofu', url, '--trust-first-key'])
    expect(res.code, res.stderr).toBe(0)
    expect(res.stdout).toContain(`trusting key ${id} of tofu on first use`)
    const config = JSON.parse(s.read(join(s.home, 'config.json'))) as {
      registries: { name: string; publicKey?: string }[]
    }
    expect(config.registries.find((r) => r.name === 'tofu')?.publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/)
    const bad = await cm(['registry', 'add', 'bad', url, '--key', 'not-a-key'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--key not-a-key is not an ed25519 public key/)
  })
})
