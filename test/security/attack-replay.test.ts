/**
 * The attacks of issue 12 and later, replayed from test/fixtures/attacks/ against real processes:
 * `claude-multi-registry serve` for publishes and logs, a hostile registry (a small Hono app in
 * its own process, test/fixtures/hostile-registry.mjs) for the client, and the real `claude-multi`
 * binary. `{{CANARY}}` is a path no command may create, `{{WORK}}` a scratch dir of the fixture.
 * (Wrapper render/parse fixtures are replayed by attacks.test.ts.)
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sandbox, startRegistry, type Registry, type Sandbox } from '../helpers/client.js'
import { ROOT, runCli, startServer } from '../helpers/server.js'
import { REPLAYED_HERE } from '../helpers/attack-kinds.js'
import {
  type BlockedLogFixture,
  replayBlockedLog,
  replayMirror,
  replayServer,
  type MirrorFixture,
  type ServerFixture,
} from '../helpers/replay-server.js'
import {
  catalogueDoc,
  clientFiles,
  codeRunningClaude,
  startHostile,
  type Hostile,
  type HostileState,
} from '../helpers/hostile.js'
import { generateSigningKey } from '../../shared/sign.js'

const DIR = join(import.meta.dirname, '../fixtures/attacks')

/**
 * A fixture signs with keys named `a` (the registry's, pinned by `{{KEY_a}}`) and `b` (another
 * registry's); they are made once per run, so no private key lives in a fixture.
 */
type FixtureSign = {
  key: string
  serial: number
  expires?: string
  entries?: boolean
  entryKeys?: Record<string, string>
  entryAs?: Record<string, string>
  tamper?: Record<string, unknown>
}
const KEYS = { a: generateSigningKey(), b: generateSigningKey() } as Record<
  string,
  ReturnType<typeof generateSigningKey>
>
const pemOf = (name: string) =>
  KEYS[name]?.privateKeyPem ??
  (() => {
    throw new Error(`no fixture key ${name}`)
  })()

function hostileSign({ key, entryKeys, ...rest }: FixtureSign): NonNullable<HostileState['sign']> {
  return {
    ...rest,
    pem: pemOf(key),
    ...(entryKeys ? { entryPems: Object.fromEntries(Object.entries(entryKeys).map(([id, k]) => [id, pemOf(k)])) } : {}),
  }
}

type Step =
  | {
      serve: Record<string, Record<string, unknown>>
      index?: Record<string, unknown>
      routes?: Record<string, unknown>
      sign?: FixtureSign
      etags?: boolean
    }
  | {
      cm: string[]
      input?: string
      env?: Record<string, string>
      code: number
      stdout?: string
      stderr?: string
      unchanged?: boolean
    }
  | { plant: [string, string] }
  | { tamperCache: ['entry' | 'entryRecord' | 'index' | 'indexMeta', string, Record<string, unknown>] }
  | { strip: [string, string] }
  | { claude: string; env?: Record<string, string>; expect?: Record<string, string | null>; nowhere?: string }
  | { requests: string; absentHeaders: string[]; min?: number }

type Fixture = { file: string; description: string; open?: string } & (
  | {
      kind: 'publish'
      document: Record<string, unknown>
      expect: { status: number; code: string; paths?: string[]; message?: string }
    }
  | { kind: 'client'; hostileEnv?: Record<string, string>; steps: Step[] }
  | { kind: 'server-log'; paths: string[]; blocked?: BlockedLogFixture }
  | ({ kind: 'mirror' } & MirrorFixture)
  | ({ kind: 'server' } & ServerFixture)
)

const work = mkdtempSync(join(tmpdir(), 'cm-replay-'))
const CANARY = join(work, 'CANARY')
afterAll(() => rmSync(work, { recursive: true, force: true }))

/**
 * `{{glm.latest}}` is the catalogue's latest glm version, `{{glm.patch}}`/`{{glm.minor}}`/`{{glm.major}}`
 * the next one of each kind, so the fixtures stay valid as the catalogue grows.
 */
function catalogueVersion(id: string, which: string): string {
  const meta = JSON.parse(readFileSync(join(ROOT, 'registry/templates', id, 'meta.json'), 'utf8')) as {
    'dist-tags': { latest: string }
  }
  const [a, b, c] = meta['dist-tags'].latest.split('.').map(Number) as [number, number, number]
  return { latest: `${a}.${b}.${c}`, patch: `${a}.${b}.${c + 1}`, minor: `${a}.${b + 1}.0`, major: `${a + 1}.0.0` }[
    which
  ]!
}

const substitute = <T>(value: T): T =>
  JSON.parse(
    JSON.stringify(value)
      .replaceAll('{{CANARY}}', CANARY)
      .replaceAll('{{WORK}}', work)
      .replace(/\{\{([a-z0-9-]+)\.(latest|patch|minor|major)\}\}/g, (_, id: string, which: string) =>
        catalogueVersion(id, which),
      ),
  ) as T

/**
 * `{ "$catalogue": "glm@1.5.0", …fields }` → that catalogue document with the fields replaced;
 * `{ "$deep": n }` → the text of arrays nested n deep.
 */
function expand(doc: unknown): unknown {
  if (doc && typeof doc === 'object' && '$deep' in doc)
    return `${'['.repeat((doc as { $deep: number }).$deep)}${']'.repeat((doc as { $deep: number }).$deep)}`
  if (!doc || typeof doc !== 'object' || !('$catalogue' in doc)) return doc
  const { $catalogue, ...patch } = doc as { $catalogue: string } & Record<string, unknown>
  const [id, version] = $catalogue.split('@') as [string, string]
  return catalogueDoc(id, version === 'latest' ? catalogueVersion(id, 'latest') : version, patch)
}

const expandAll = (templates: HostileState['templates']): HostileState['templates'] =>
  Object.fromEntries(
    Object.entries(templates ?? {}).map(([id, t]) => [
      id,
      { ...t, versions: Object.fromEntries(Object.entries(t.versions).map(([v, d]) => [v, expand(d)])) },
    ]),
  )

const fixtures: Fixture[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map(
    (file) =>
      ({ file, ...substitute(JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Omit<Fixture, 'file'>) }) as Fixture,
  )
  .filter((f) => REPLAYED_HERE.includes(f.kind))

/** Helpers a fixture's `{{WORK}}` payloads point at: each one creates the canary when it runs. */
function armPayloads(): void {
  mkdirSync(join(work, 'perl'), { recursive: true })
  writeFileSync(join(work, 'diff.sh'), `#!/bin/sh\ntouch '${CANARY}'\n`)
  chmodSync(join(work, 'diff.sh'), 0o755)
  writeFileSync(join(work, 'perl/Canary.pm'), `package Canary; open(my $f, '>', '${CANARY}'); 1;\n`)
}

/** A git repository with a change, so `git diff HEAD` has something to show (and an external differ to call). */
function gitRepo(): string {
  const repo = mkdtempSync(join(work, 'repo-'))
  const git = (...args: string[]) =>
    spawnSync('git', args, { cwd: repo, env: { PATH: process.env.PATH, HOME: work, GIT_CONFIG_NOSYSTEM: '1' } })
  git('init', '-q')
  writeFileSync(join(repo, 'a.txt'), 'one\n')
  git('add', 'a.txt')
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'one')
  writeFileSync(join(repo, 'a.txt'), 'two\n')
  return repo
}

describe('replayed attacks against real processes (test/fixtures/attacks)', () => {
  let registry: Registry
  beforeAll(async () => {
    armPayloads()
    registry = await startRegistry()
  })
  afterAll(async () => {
    await registry?.stop()
  })

  for (const f of fixtures) {
    const test = f.open ? it.fails : it
    test(`${f.file}: ${f.open ? '[open] ' : ''}${f.description}`, { timeout: 120_000 }, async () => {
      rmSync(CANARY, { force: true })
      if (f.kind === 'publish') await replayPublish(registry, f)
      else if (f.kind === 'client') await replayClient(f)
      else if (f.kind === 'mirror')
        await replayMirror({ ...f, upstream: { ...f.upstream, templates: expandAll(f.upstream.templates) } })
      else if (f.kind === 'server') await replayServer(f)
      else await replayLog(f)
      expect(existsSync(CANARY), 'a command ran').toBe(false)
    })
  }
})

async function replayPublish(registry: Registry, f: Extract<Fixture, { kind: 'publish' }>): Promise<void> {
  const doc = expand(f.document) as { id: string; version: string }
  const res = await fetch(`${registry.url}/v1/templates/${doc.id}/${doc.version}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${registry.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(doc, null, 2),
  })
  const body = (await res.json()) as { error: { code: string; message: string; issues?: { path: string }[] } }
  expect(res.status, JSON.stringify(body)).toBe(f.expect.status)
  expect(body.error.code).toBe(f.expect.code)
  if (f.expect.paths) expect(body.error.issues?.map((i) => i.path)).toEqual(expect.arrayContaining(f.expect.paths))
  if (f.expect.message) expect(body.error.message).toMatch(new RegExp(f.expect.message))
  // The message names what was refused, and carries none of the payload's control bytes.
  expect(body.error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/)
  const stored = await fetch(`${registry.url}/v1/templates/${doc.id}/${doc.version}.json`)
  expect(stored.status, 'nothing was stored').toBe(404)
  // The same document in a registry tree: `claude-multi-registry validate` refuses it too.
  const tree = mkdtempSync(join(work, 'tree-'))
  cpSync(join(ROOT, 'registry/templates', doc.id), join(tree, 'templates', doc.id), { recursive: true })
  writeFileSync(join(tree, 'templates', doc.id, `${doc.version}.json`), `${JSON.stringify(doc, null, 2)}\n`)
  const validated = runCli(['validate', tree])
  expect(validated.code, validated.stdout).toBe(1)
  expect(validated.stderr).toContain(
    `${doc.version}.json: ${f.expect.code === 'E_SEMVER' ? 'E_SEMVER' : (f.expect.paths?.[0] ?? '')}`,
  )
  expect(validated.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/)
}

async function replayClient(f: Extract<Fixture, { kind: 'client' }>): Promise<void> {
  const state: HostileState = {}
  const hostile: Hostile = await startHostile(state)
  const repo = gitRepo()
  const sb: Sandbox = sandbox(hostile.url, { CLAUDE_MULTI_CLAUDE_PATH: codeRunningClaude(work, repo) })
  try {
    if (f.hostileEnv) proveAttackWorks(f.hostileEnv, repo)
    // `{{HOSTILE}}` is this registry; `{{HOSTILE_ALT}}` the same process under another origin.
    const steps = JSON.parse(
      JSON.stringify(f.steps)
        .replaceAll('{{HOSTILE}}', hostile.url)
        .replaceAll('{{HOSTILE_ALT}}', hostile.url.replace('127.0.0.1', 'localhost'))
        .replace(/\{\{KEY_([a-z])\}\}/g, (_, k: string) => KEYS[k]!.entry.publicKey),
    ) as Step[]
    for (const step of steps) {
      if ('serve' in step) {
        const templates: HostileState['templates'] = {}
        for (const [id, versions] of Object.entries(step.serve))
          templates[id] = { versions: Object.fromEntries(Object.entries(versions).map(([v, d]) => [v, expand(d)])) }
        hostile.set({
          templates,
          ...(step.index ? { index: step.index } : {}),
          ...(step.routes ? { routes: step.routes } : {}),
          ...(step.sign ? { sign: hostileSign(step.sign) } : {}),
          ...(step.etags ? { etags: true } : {}),
        })
      } else if ('cm' in step) {
        const before = clientFiles(sb.home, sb.bin, join(sb.dir, 'userhome'))
        const r = sb.cm(step.cm, {
          ...(step.input ? { input: step.input } : {}),
          ...(step.env ? { env: step.env } : {}),
        })
        const what = `claude-multi ${step.cm.join(' ')}: ${r.stdout}${r.stderr}`
        if (process.env.CM_REPLAY_DEBUG) process.stderr.write(`[${f.file}] ${what}\n`)
        expect(r.code, what).toBe(step.code)
        if (step.stderr) expect(r.stderr, what).toMatch(new RegExp(step.stderr))
        if (step.stdout) expect(r.stdout, what).toMatch(new RegExp(step.stdout))
        expect(`${r.stdout}${r.stderr}`, 'output is terminal-safe').not.toMatch(
          /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/,
        )
        expect(r.stderr, 'no stack trace').not.toMatch(/\n\s+at |unexpected error/)
        if (step.unchanged)
          expect(clientFiles(sb.home, sb.bin, join(sb.dir, 'userhome')), `${what}: nothing written`).toEqual(before)
      } else if ('plant' in step) {
        // An old cache: the document entered before this client checked it; the index still matches it.
        const [id, version] = step.plant
        const text = await (await fetch(`${hostile.url}/v1/templates/${id}/${version}.json`)).text()
        const dir = join(
          sb.home,
          'cache',
          `public-${createHash('sha256').update(hostile.url).digest('hex').slice(0, 10)}`,
          'templates',
          ...id.split('/'),
        )
        mkdirSync(dir, { recursive: true })
        writeFileSync(join(dir, `${version}.json`), text)
      } else if ('tamperCache' in step) {
        // The copy on disk changed after the registry vouched for it (its ETag kept, so a 304 vouches again).
        const [what, id, fields] = step.tamperCache
        const dir = join(
          sb.home,
          'cache',
          `public-${createHash('sha256').update(hostile.url).digest('hex').slice(0, 10)}`,
        )
        if (what === 'entry' || what === 'entryRecord') {
          const file = join(dir, 'entries', `${id}.json`)
          const rec = JSON.parse(readFileSync(file, 'utf8')) as { body: string }
          if (what === 'entry') rec.body = JSON.stringify({ ...JSON.parse(rec.body), ...fields })
          writeFileSync(file, JSON.stringify(what === 'entry' ? rec : { ...rec, ...fields }))
        } else if (what === 'indexMeta') {
          const file = join(dir, 'index.meta.json')
          writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...fields }))
        } else {
          const file = join(dir, 'index.json')
          writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...fields }))
        }
      } else if ('requests' in step) {
        // What reached a path of the hostile registry: never one of these headers (a key, a token).
        const seen = hostile.requests().filter((r) => r.path === step.requests)
        expect(seen.length, `requests to ${step.requests}`).toBeGreaterThanOrEqual(step.min ?? 0)
        for (const r of seen)
          for (const h of step.absentHeaders) expect(r.headers[h], `${h} sent to ${step.requests}`).toBeUndefined()
      } else if ('strip' in step) {
        // A wrapper as an older claude-multi wrote it: without the lines matching the pattern.
        const [name, pattern] = step.strip
        const file = join(sb.bin, `claude-${name}`)
        writeFileSync(
          file,
          readFileSync(file, 'utf8')
            .split('\n')
            .filter((l) => !new RegExp(pattern).test(l))
            .join('\n'),
        )
      } else {
        for (const shell of ['bash', 'dash']) {
          const env = { PATH: process.env.PATH, HOME: join(sb.dir, 'userhome'), ...step.env }
          const r = spawnSync(shell, [join(sb.bin, `claude-${step.claude}`)], { env, encoding: 'utf8', cwd: repo })
          expect(r.status, r.stderr).toBe(0)
          expect(existsSync(CANARY), `claude-${step.claude} ran something`).toBe(false)
          const seen = Object.fromEntries(
            r.stdout
              .split('\n')
              .filter((l) => l.includes('='))
              .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
          )
          for (const [k, v] of Object.entries(step.expect ?? {}))
            expect(seen[k], `${shell}: claude's ${k}`).toBe(v ?? undefined)
          if (step.nowhere) expect(r.stdout, `${shell}: claude's environment`).not.toContain(step.nowhere)
        }
      }
    }
  } finally {
    sb.cleanup()
    await hostile.stop()
  }
}

/** The control: each hostile variable on its own, given to the same fake claude, does run code. */
function proveAttackWorks(env: Record<string, string>, repo: string): void {
  const groups: Record<string, string>[] = [
    Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('GIT_CONFIG_'))),
    ...Object.entries(env)
      .filter(([k]) => !k.startsWith('GIT_CONFIG_'))
      .map(([k, v]) => ({ [k]: v })),
  ].filter((g) => Object.keys(g).length)
  for (const g of groups) {
    rmSync(CANARY, { force: true })
    spawnSync(join(work, 'busy-claude'), [], { env: { PATH: process.env.PATH, HOME: work, ...g }, cwd: repo })
    expect(
      existsSync(CANARY),
      `the fixture's ${Object.keys(g).join(', ')} must really run code, or this test proves nothing`,
    ).toBe(true)
  }
  rmSync(CANARY, { force: true })
}

async function replayLog(f: Extract<Fixture, { kind: 'server-log' }>): Promise<void> {
  if (f.blocked) return replayBlockedLog(f.blocked)
  const server = await startServer(['--log-format', 'pretty'])
  try {
    for (const path of f.paths) await fetch(`${server.url}${path}`)
    await new Promise((r) => setTimeout(r, 200))
    const log = server.stderr()
    expect(log.split('\n').filter(Boolean), 'one line per request').toHaveLength(f.paths.length)
    expect(log).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/)
  } finally {
    await server.stop()
  }
}
