/**
 * The real Claude Code CLI (pinned, installed on demand into a cache) through wrappers that
 * `claude-multi add` generates for every template in the catalogue, against recording fake
 * providers that stream SSE. Per template: the model sent for each role, the only key sent, and
 * the window Claude Code uses. The catalogue's documents are served by a real registry process,
 * with only their base URL pointed at the template's fake provider.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CLAUDE_CODE_DEFAULT_OUTPUT,
  deriveLimits,
  limitsOf,
  modelAsSent,
  SUBAGENT_MODEL_ENV,
  type Limits,
} from '../../shared/limits.js'
import { resolveEnv } from '../../shared/resolve.js'
import { ROLE_ENV } from '../../shared/roles.js'
import type { Template } from '../../shared/types.js'
import { startFakeProvider, type FakeProvider, type RecordedRequest } from '../helpers/fake-provider.js'
import { CLIENT_CLI, ROOT, sandbox, startRegistry, type Registry, type Sandbox } from '../helpers/client.js'
import {
  CLAUDE_CODE_VERSION,
  contextReport,
  control,
  controlResponse,
  ensureClaudeCode,
  pool,
  quietEnv,
  run,
  runWrapper,
  userTurn,
  windowProblems,
  type ClaudeRun,
} from '../helpers/real-claude.js'

/** What a user's shell may hold: an Anthropic key and token that must never reach a provider. */
const PARENT_SHELL = {
  ANTHROPIC_API_KEY: 'sk-ant-api03-parent-shell-key',
  ANTHROPIC_AUTH_TOKEN: 'sk-ant-oat01-parent-shell-token',
}
/** OpenRouter's model is chosen at setup; its window comes from OpenRouter's list (here the fake's). */
const OPENROUTER_MODEL = 'z-ai/glm-4.6'
const OPENROUTER_INFO = {
  context_length: 202_752,
  top_provider: { context_length: 202_752, max_completion_tokens: 16_384 },
}
/** What `add` must learn from that list. */
const LEARNED: Record<string, Limits> = { openrouter: { [OPENROUTER_MODEL]: { context: 202_752, output: 16_384 } } }
const INPUTS: Record<string, Record<string, string>> = {
  openrouter: { model: OPENROUTER_MODEL },
  'mimo-token-plan': { region: 'sgp' },
}
/** Not in the catalogue: kimi's latest with a declared window (200k) its env contradicts (262144). */
const BROKEN = 'broken-window'

const TEMPLATES = join(ROOT, 'registry/templates')
const latestOf = (id: string): Template => {
  const meta = JSON.parse(readFileSync(join(TEMPLATES, id, 'meta.json'), 'utf8')) as { 'dist-tags': { latest: string } }
  return JSON.parse(readFileSync(join(TEMPLATES, id, `${meta['dist-tags'].latest}.json`), 'utf8')) as Template
}
/** Every catalogue id (REAL_CLAUDE_IDS=glm,kimi narrows a run while working on a template). */
const IDS = readdirSync(TEMPLATES)
  .filter(
    (id) =>
      !id.startsWith('@') && (!process.env.REAL_CLAUDE_IDS || process.env.REAL_CLAUDE_IDS.split(',').includes(id)),
  )
  .sort()

interface Case {
  id: string
  doc: Template
  key: string
  fake: FakeProvider
  /** The environment the wrapper should export, resolved from the document as served. */
  env: Record<string, string>
  /** The window the template declares (or setup learned) for the default model. */
  declared: number
  /** What `claude-multi add` asked the provider. */
  setup: RecordedRequest[]
  runs: Record<string, { run: ClaudeRun; requests: RecordedRequest[] }>
}

let work: string
let reg: Registry
let sb: Sandbox
let claude: string
const cases = new Map<string, Case>()

/** `https://api.z.ai/api/anthropic` → `http://127.0.0.1:<port>/api.z.ai/api/anthropic`, placeholders kept. */
const pointAt = (baseUrl: string, fake: string) => baseUrl.replace(/^https?:\/\/(.*)$/, `${fake}/$1`)

beforeAll(async () => {
  claude = ensureClaudeCode()
  work = mkdtempSync(join(tmpdir(), 'cm-realclaude-'))
  const data = join(work, 'registry')
  cpSync(join(ROOT, 'registry'), data, { recursive: true })
  const docs = new Map(IDS.map((id) => [id, latestOf(id)]))
  const kimi = docs.get('kimi')!
  docs.set(BROKEN, {
    ...kimi,
    id: BROKEN,
    version: '1.0.0',
    limits: Object.fromEntries(Object.keys(kimi.limits!).map((m) => [m, { context: 200_000 }])),
  })
  mkdirSync(join(data, 'templates', BROKEN))
  writeFileSync(
    join(data, 'templates', BROKEN, 'meta.json'),
    JSON.stringify({
      'dist-tags': { latest: '1.0.0' },
      versions: { '1.0.0': { publishedAt: '2026-12-01T00:00:00.000Z' } },
    }),
  )

  for (const [id, doc] of docs) {
    const key = `sk-test-${id}`
    const inputs = INPUTS[id] ?? {}
    const real = resolveEnv(doc, inputs)
    const sent = [...Object.values(ROLE_ENV), SUBAGENT_MODEL_ENV]
      .map((v) => real[v])
      .filter((m): m is string => !!m)
      .map(modelAsSent)
    const basePath = pointAt(real.ANTHROPIC_BASE_URL!, '')
    const fake = await startFakeProvider({
      models: [...new Set(sent)],
      auth: doc.auth === 'ANTHROPIC_AUTH_TOKEN' ? 'bearer' : 'x-api-key',
      key,
      basePath,
      ...(id === 'openrouter' ? { modelInfo: { [OPENROUTER_MODEL]: OPENROUTER_INFO } } : {}),
    })
    const served: Template = {
      ...doc,
      baseUrl: pointAt(doc.baseUrl, fake.url.slice(0, fake.url.length - basePath.length)),
    }
    writeFileSync(join(data, 'templates', id, `${doc.version}.json`), `${JSON.stringify(served, null, 2)}\n`)
    const learned = LEARNED[id] ?? {}
    const env = resolveEnv(served, inputs, learned)
    const declared = limitsOf({ ...learned, ...served.limits }, env.ANTHROPIC_MODEL!)?.context
    if (declared === undefined)
      throw new Error(`${id}: no window is declared for its default model ${env.ANTHROPIC_MODEL}`)
    cases.set(id, { id, doc: served, key, fake, env, declared, setup: [], runs: {} })
  }

  reg = await startRegistry(data)
  sb = sandbox(reg.url, { CLAUDE_MULTI_CLAUDE_PATH: claude })
  for (const c of cases.values()) {
    const inputs = Object.entries(INPUTS[c.id] ?? {}).flatMap(([k, v]) => ['--input', `${k}=${v}`])
    const added = await run(process.execPath, [CLIENT_CLI, 'add', c.id, c.id, '--api-key-stdin', ...inputs], {
      env: sb.env,
      cwd: sb.dir,
      input: `${c.key}\n`,
    })
    if (added.code !== 0 || added.stderr)
      throw new Error(`claude-multi add ${c.id}: exit ${added.code}, ${added.stderr}`)
    c.setup = c.fake.requests.splice(0)
  }

  // Every run of one template goes in order (its requests are told apart by position); templates
  // run side by side.
  const project = join(work, 'project')
  mkdirSync(project)
  const env = { ...quietEnv(join(work, 'home')), ...PARENT_SHELL }
  const stream = ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose']
  // One stream-json session per template covers the default turn, the small/fast title request,
  // Claude Code's own window figure and `/context`; each alias then gets its own `--model` run.
  const session = [
    userTurn('hi'),
    control('title', { subtype: 'generate_session_title', description: 'fix the login bug' }),
    control('usage', { subtype: 'get_context_usage' }),
    userTurn('/context'),
  ]
  const runs: [string, string[], string?][] = [
    ['stream', stream, `${session.join('\n')}\n`],
    ['sonnet', ['--model', 'sonnet', '-p', 'hi']],
    ['opus', ['--model', 'opus', '-p', 'hi']],
    ['haiku', ['--model', 'haiku', '-p', 'hi']],
  ]
  await pool(
    [...cases.values()].map((c) => async () => {
      for (const [name, args, input] of c.id === BROKEN ? runs.slice(0, 1) : runs) {
        const from = c.fake.requests.length
        const run = await runWrapper(join(sb.bin, `claude-${c.id}`), args, {
          env,
          cwd: project,
          ...(input ? { input } : {}),
        })
        c.runs[name] = { run, requests: c.fake.requests.slice(from) }
      }
    }),
    Number(process.env.REAL_CLAUDE_JOBS) || 3,
  )
}, 20 * 60_000)

afterAll(async () => {
  await Promise.all([...cases.values()].map((c) => c.fake.close()))
  await reg?.stop()
  sb?.cleanup()
  if (work) rmSync(work, { recursive: true, force: true })
})

const pathOf = (r: RecordedRequest) => new URL(r.path, 'http://fake').pathname
const messages = (rs: RecordedRequest[]) => rs.filter((r) => r.method === 'POST' && pathOf(r).endsWith('/v1/messages'))
const counts = (rs: RecordedRequest[]) => rs.filter((r) => pathOf(r).endsWith('/v1/messages/count_tokens'))
const body = (r: RecordedRequest) => r.body as { model: string; max_tokens?: number; tools?: unknown[] }
/** The conversation itself carries tools; background requests (a title, a summary) carry none. */
const isMainLoop = (r: RecordedRequest) => (body(r).tools?.length ?? 0) > 0
const modelsOf = (rs: RecordedRequest[]) => rs.map((r) => body(r).model)
const sentFor = (c: Case, role: keyof typeof ROLE_ENV) => modelAsSent(c.env[ROLE_ENV[role]]!)
const explain = (c: Case, name: string) => {
  const { run } = c.runs[name]!
  return `claude-${c.id} ${name}: exit ${run.code}\n${run.stderr.slice(-2000)}\n${run.stdout.slice(-2000)}`
}

describe(`the real Claude Code ${CLAUDE_CODE_VERSION} through claude-multi wrappers`, () => {
  describe.each(IDS)('%s', (id) => {
    it('sends exactly the mapped model for the default, small/fast, sonnet, opus and haiku roles', () => {
      const c = cases.get(id)!
      const stream = messages(c.runs.stream!.requests)
      expect(modelsOf(stream.filter(isMainLoop)), explain(c, 'stream')).toEqual([sentFor(c, 'default')])
      // The session title is Claude Code's small/fast request.
      expect(modelsOf(stream.filter((r) => !isMainLoop(r))), explain(c, 'stream')).toEqual([sentFor(c, 'fast')])
      for (const alias of ['sonnet', 'opus', 'haiku'] as const) {
        const rs = messages(c.runs[alias]!.requests)
        expect(rs.length, explain(c, alias)).toBeGreaterThan(0)
        expect(new Set(modelsOf(rs)), explain(c, alias)).toEqual(new Set([sentFor(c, alias)]))
        expect(c.runs[alias]!.run.code, explain(c, alias)).toBe(0)
        expect(c.runs[alias]!.run.stdout.trim(), explain(c, alias)).toBe('o')
      }
      for (const r of counts(c.runs.stream!.requests)) expect(body(r).model).toBe(sentFor(c, 'default'))
    })

    it('asks for no more output than every mapped model allows', () => {
      const c = cases.get(id)!
      const cap = deriveLimits(c.env, { ...LEARNED[id], ...c.doc.limits }).output
      for (const name of ['stream', 'sonnet', 'opus', 'haiku']) {
        for (const r of messages(c.runs[name]!.requests).filter(isMainLoop))
          expect(body(r).max_tokens, explain(c, name)).toBe(cap ?? CLAUDE_CODE_DEFAULT_OUTPUT)
      }
    })

    it("sends the instance's key in the template's auth header, and nothing from the parent shell", () => {
      const c = cases.get(id)!
      const all = [...c.setup, ...Object.values(c.runs).flatMap((r) => r.requests)]
      expect(all.length).toBeGreaterThan(0)
      const [header, other] =
        c.doc.auth === 'ANTHROPIC_AUTH_TOKEN' ? ['authorization', 'x-api-key'] : ['x-api-key', 'authorization']
      for (const r of all) {
        expect(r.headers[header], r.path).toBe(header === 'authorization' ? `Bearer ${c.key}` : c.key)
        expect(r.headers[other] ?? '', `${r.path}: ${other}`).toBe('')
        expect(JSON.stringify(r.headers), r.path).not.toContain('sk-ant-')
      }
    })

    it('makes /context report the window the template declares for the default model, with no unknown-model notice', () => {
      const c = cases.get(id)!
      const output = Object.values(c.runs)
        .map((r) => r.run.stdout + r.run.stderr)
        .join('\n')
      const problems = windowProblems(c.declared, {
        contextText: contextReport(c.runs.stream!.run.stdout),
        usage: controlResponse(c.runs.stream!.run.stdout, 'usage'),
        output,
      })
      expect(problems, explain(c, 'stream')).toEqual([])
    })
  })

  it("add asks only OpenRouter's model list, once, for the model chosen at setup", () => {
    for (const c of cases.values()) {
      if (c.id !== 'openrouter') expect(c.setup, c.id).toEqual([])
      else
        expect(c.setup.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
          ['GET', '/openrouter.ai/api/v1/models', `Bearer ${c.key}`],
        ])
    }
    // What it learned is what Claude Code then uses: the window and output checks above.
  })

  it('fails a template whose declared window differs from what Claude Code reports', () => {
    const c = cases.get(BROKEN)!
    expect(c.env.CLAUDE_CODE_AUTO_COMPACT_WINDOW).toBe('262144')
    const output = Object.values(c.runs)
      .map((r) => r.run.stdout + r.run.stderr)
      .join('\n')
    const problems = windowProblems(c.declared, {
      contextText: contextReport(c.runs.stream!.run.stdout),
      usage: controlResponse(c.runs.stream!.run.stdout, 'usage'),
      output,
    })
    expect(problems, explain(c, 'stream')).toEqual([
      '/context reports a window of 262.1k, the template declares 200k (200000)',
      'Claude Code uses a window of 262144 tokens, the template declares 200000',
    ])
  })
})
