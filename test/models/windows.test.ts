import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { checkModels, exitCodeOf } from '../../client/models/check.js'
import { learnLimits } from '../../client/models/learn-limits.js'
import { listModelEntries } from '../../client/models/list.js'
import { renderModelsReport } from '../../client/models/render.js'
import type { ModelCheckTarget } from '../../client/models/types.js'
import { resolveEnv } from '../../shared/resolve.js'
import { validateTemplate } from '../../shared/schema.js'
import type { Template } from '../../shared/types.js'
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js'

const KEY = 'sk-test-FAKE'
/** A port that was free a moment ago and has nothing listening now. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
let provider: FakeProvider | undefined
afterEach(async () => {
  await provider?.close()
  provider = undefined
})

// OpenRouter's /api/v1/models puts the window at the top and the output cap under top_provider.
const OPENROUTER_INFO = {
  'z-ai/glm-4.6': { context_length: 202_752, top_provider: { context_length: 202_752, max_completion_tokens: 16_384 } },
  'moonshotai/kimi-k2': { context_length: 131_072, top_provider: { max_completion_tokens: null } },
  'weird/model': { context_length: -5, max_output_tokens: 1e12 },
}

const router = (() => {
  const r = validateTemplate({
    id: 'openrouter',
    version: '1.0.0',
    name: 'OpenRouter',
    description: 'd',
    baseUrl: 'https://openrouter.ai/api',
    auth: 'ANTHROPIC_AUTH_TOKEN',
    models: { default: '{{model}}', fast: '{{model}}', sonnet: '{{model}}', opus: '{{model}}', haiku: '{{model}}' },
    env: { ANTHROPIC_API_KEY: '' },
    inputs: [{ name: 'model', description: 'm' }],
  })
  if (!r.ok) throw new Error('fixture')
  return r.template
})()
const at = (url: string): Template => ({ ...router, baseUrl: url })

describe("the provider's model list reports windows", () => {
  it('reads OpenRouter-style fields and ignores nonsense', async () => {
    provider = await startFakeProvider({
      models: Object.keys(OPENROUTER_INFO),
      modelInfo: OPENROUTER_INFO,
      basePath: '/api',
      publicModels: true,
    })
    expect(await listModelEntries(provider.url, 'ANTHROPIC_AUTH_TOKEN', null)).toEqual([
      { id: 'z-ai/glm-4.6', context: 202_752, output: 16_384 },
      { id: 'moonshotai/kimi-k2', context: 131_072 },
      { id: 'weird/model' },
    ])
  })
})

describe('add learns the window of a model chosen at setup', () => {
  it("takes the model's window and output cap from the list; the wrapper then sets both", async () => {
    provider = await startFakeProvider({
      models: Object.keys(OPENROUTER_INFO),
      modelInfo: OPENROUTER_INFO,
      basePath: '/api',
      auth: 'bearer',
      key: KEY,
    })
    const t = at(provider.url)
    const env = resolveEnv(t, { model: 'z-ai/glm-4.6' })
    const learned = await learnLimits('or', t, env, KEY)
    expect(learned).toEqual({ limits: { 'z-ai/glm-4.6': { context: 202_752, output: 16_384 } }, warnings: [] })
    expect(provider.requests[0]).toMatchObject({
      method: 'GET',
      path: '/api/v1/models',
      headers: { authorization: `Bearer ${KEY}` },
    })
    expect(resolveEnv(t, { model: 'z-ai/glm-4.6' }, learned.limits)).toMatchObject({
      CLAUDE_CODE_AUTO_COMPACT_WINDOW: '202752',
      CLAUDE_CODE_MAX_OUTPUT_TOKENS: '16384',
    })
  })

  it('asks nothing when the template knows the model, and warns with the fix when the list cannot tell', async () => {
    expect(
      await learnLimits(
        'x',
        {
          ...router,
          models: { ...router.models, default: 'fixed', sonnet: 'fixed', opus: 'fixed', fast: 'fixed', haiku: 'fixed' },
        },
        {},
        KEY,
      ),
    ).toEqual({ limits: {}, warnings: [] })

    provider = await startFakeProvider({
      models: Object.keys(OPENROUTER_INFO),
      modelInfo: OPENROUTER_INFO,
      basePath: '/api',
      publicModels: true,
    })
    const t = at(provider.url)
    const typo = await learnLimits('or', t, resolveEnv(t, { model: 'z-ai/glm-4.7' }), null)
    expect(typo.limits).toEqual({})
    expect(typo.warnings).toEqual([
      `or: could not read the context window of z-ai/glm-4.7 (${provider.url}/v1/models does not list it; check the model name); Claude Code will assume 1M tokens. Set it with: claude-multi override or CLAUDE_CODE_AUTO_COMPACT_WINDOW=<tokens>`,
    ])
    const silent = await learnLimits('or', t, resolveEnv(t, { model: 'weird/model' }), null)
    expect(silent.warnings[0]).toContain('lists it without a window')

    const port = await closedPort()
    const url = `http://127.0.0.1:${port}/api` // nothing listens there
    const down = await learnLimits('or', at(url), resolveEnv(at(url), { model: 'z-ai/glm-4.6' }), null, {
      timeoutMs: 2000,
    })
    expect(down.limits).toEqual({})
    expect(down.warnings[0]).toMatch(
      /^or: could not read the context window of z-ai\/glm-4\.6 \(http:\/\/127\.0\.0\.1:\d+\/api\/v1\/models: could not reach 127\.0\.0\.1:\d+: connection refused \(ECONNREFUSED\)\); Claude Code will assume 1M tokens\. Set it with: claude-multi override or CLAUDE_CODE_AUTO_COMPACT_WINDOW=<tokens>$/,
    )
  })
})

function target(url: string, env: Record<string, string>): ModelCheckTarget {
  return { name: 'or', authVar: 'ANTHROPIC_AUTH_TOKEN', key: KEY, env: { ANTHROPIC_BASE_URL: url, ...env } }
}
const kimi = {
  ANTHROPIC_MODEL: 'moonshotai/kimi-k2',
  ANTHROPIC_SMALL_FAST_MODEL: 'z-ai/glm-4.6',
  ANTHROPIC_DEFAULT_SONNET_MODEL: 'moonshotai/kimi-k2',
  ANTHROPIC_DEFAULT_OPUS_MODEL: 'z-ai/glm-4.6',
  ANTHROPIC_DEFAULT_HAIKU_MODEL: 'z-ai/glm-4.6',
}

describe('doctor --models compares windows where the list reports them', () => {
  it('fails a main-loop model smaller than where Claude Code compacts, and names the override', async () => {
    provider = await startFakeProvider({
      models: Object.keys(OPENROUTER_INFO),
      modelInfo: OPENROUTER_INFO,
      auth: 'bearer',
      key: KEY,
    })
    const report = await checkModels([target(provider.url, kimi)])
    const inst = report.instances[0]!
    expect(inst.rows.map((r) => [r.role, r.window])).toEqual([
      ['default', 131_072],
      ['fast', 202_752],
      ['sonnet', 131_072],
      ['opus', 202_752],
      ['haiku', 202_752],
    ])
    expect(inst.windowProblem).toBe(
      "the provider's window for default, sonnet, opus is smaller than where Claude Code compacts (1,000,000)",
    )
    expect(inst.hint).toBe(
      "claude-multi override or CLAUDE_CODE_AUTO_COMPACT_WINDOW=131072, or sync if the template's newer version declares it",
    )
    expect(exitCodeOf(report)).toBe(1)
    const text = renderModelsReport(report)
    expect(text).toMatch(
      /default\s+moonshotai\/kimi-k2\s+served\s+131,072\s+the provider's window is 131,072 tokens, Claude Code assumes 1,000,000 \(no CLAUDE_CODE_AUTO_COMPACT_WINDOW\)/,
    )
    expect(text).toContain("Problems: or: the provider's window for default, sonnet, opus is smaller")
  })

  it('passes when the wrapper compacts inside every main-loop window (haiku and fast do not count)', async () => {
    provider = await startFakeProvider({
      models: Object.keys(OPENROUTER_INFO),
      modelInfo: OPENROUTER_INFO,
      auth: 'bearer',
      key: KEY,
    })
    const small = { ...kimi, ANTHROPIC_DEFAULT_OPUS_MODEL: 'moonshotai/kimi-k2' }
    const ok = await checkModels([target(provider.url, { ...small, CLAUDE_CODE_AUTO_COMPACT_WINDOW: '128k' })])
    expect(ok.instances[0]).toMatchObject({ ok: true, compactWindow: 128_000 })
    const tight = await checkModels([target(provider.url, { ...small, CLAUDE_CODE_AUTO_COMPACT_WINDOW: '131072' })])
    expect(tight.ok).toBe(true)
    const over = await checkModels([target(provider.url, { ...small, CLAUDE_CODE_AUTO_COMPACT_WINDOW: '200000' })])
    expect(over.instances[0]!.rows[0]!.note).toBe(
      "the provider's window is 131,072 tokens, CLAUDE_CODE_AUTO_COMPACT_WINDOW is 200,000",
    )
    expect(over.ok).toBe(false)
  })
})
