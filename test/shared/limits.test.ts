import { describe, expect, it } from 'vitest'
import { deriveLimits, formatTokens, limitEnv, limitsOf, parseTokenCount } from '../../shared/limits.js'
import { resolveEnv } from '../../shared/resolve.js'
import { templateJsonSchema, validateTemplate } from '../../shared/schema.js'
import type { Template } from '../../shared/types.js'

const glm = {
  id: 'glm',
  version: '1.0.0',
  name: 'GLM',
  description: 'd',
  baseUrl: 'https://api.z.ai/api/anthropic',
  auth: 'ANTHROPIC_AUTH_TOKEN',
  models: { default: 'glm-5.1', fast: 'glm-5-turbo', sonnet: 'glm-5.1', opus: 'glm-5.1', haiku: 'glm-5-turbo' },
  env: { API_TIMEOUT_MS: '3000000' },
  inputs: [],
}

const tiered = {
  ...glm,
  models: { default: 'big[1m]', fast: 'tiny', sonnet: 'mid', opus: 'big[1m]', haiku: 'tiny' },
  limits: {
    big: { context: 1_000_000, output: 128_000 },
    mid: { context: 200_000 },
    tiny: { context: 131_072, output: 8_192 },
  },
}

const valid = (doc: unknown): Template => {
  const r = validateTemplate(doc)
  if (!r.ok) throw new Error(`fixture invalid: ${JSON.stringify(r.issues)}`)
  return r.template
}
const issues = (doc: unknown) => {
  const r = validateTemplate(doc)
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`)
}

describe('limits in the schema', () => {
  it('accepts limits for mapped models, keyed as sent', () => {
    expect(issues(tiered)).toEqual([])
    expect(
      issues({ ...glm, env: { CLAUDE_CODE_SUBAGENT_MODEL: 'sub[1m]' }, limits: { sub: { context: 400_000 } } }),
    ).toEqual([])
  })

  it('refuses bad numbers, unknown fields, suffixed, unmapped and setup-chosen keys', () => {
    expect(
      issues({
        ...tiered,
        limits: {
          big: { context: 0 },
          mid: { context: 1.5 },
          tiny: { context: 10_000_001, output: -1 },
          'glm-5.1': { context: 200_000, extra: 1 },
        },
      }),
    ).toEqual([
      'limits.big.context: must be positive',
      'limits.mid.context: must be a whole number of tokens',
      'limits.tiny.context: at most 10,000,000',
      'limits.tiny.output: must be positive',
      'limits.glm-5.1: Unrecognized key: "extra"',
      'limits.glm-5.1: is not a model this version maps',
    ])
    expect(
      issues({
        ...tiered,
        limits: { 'big[1m]': { context: 1 }, gone: { context: 1 }, mid: { context: 10, output: 20 } },
      }),
    ).toEqual([
      'limits.big[1m]: write the model name as sent, without [1m]: "big"',
      'limits.gone: is not a model this version maps',
      'limits.mid.output: must not exceed context',
    ])
    const router = {
      ...glm,
      models: { ...glm.models, default: '{{model}}' },
      inputs: [{ name: 'model', description: 'm' }],
      limits: { '{{model}}': { context: 1 } },
    }
    expect(issues(router)).toEqual([
      'limits.{{model}}: a model chosen at setup has no fixed limits (claude-multi add asks the provider)',
    ])
    expect(issues({ ...glm, limits: { 'glm-5.1': { context: 2_000_000, output: 1_000_001 } } })).toEqual([
      'limits.glm-5.1.output: at most 1,000,000',
    ])
  })

  it('is part of the exported JSON Schema', () => {
    const s = templateJsonSchema() as { properties: Record<string, unknown>; required: string[] }
    expect(s.properties.limits).toBeDefined()
    expect(s.required).not.toContain('limits')
  })
})

describe('derived variables', () => {
  it('the window is the smallest main-loop window; output only below Claude Code default', () => {
    const env = resolveEnv(valid(tiered))
    // default/opus 1M, sonnet 200k: one session window fits both. haiku's 8k output caps every request.
    expect(deriveLimits(env, tiered.limits)).toEqual({ window: 200_000, output: 8_192 })
    expect(Object.entries(env).slice(-3)).toEqual([
      ['API_TIMEOUT_MS', '3000000'],
      ['CLAUDE_CODE_AUTO_COMPACT_WINDOW', '200000'],
      ['CLAUDE_CODE_MAX_OUTPUT_TOKENS', '8192'],
    ])
  })

  it('counts the subagent model in the window, leaves large outputs alone, and derives nothing without limits', () => {
    const env = {
      ANTHROPIC_MODEL: 'a',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'a',
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'a',
      CLAUDE_CODE_SUBAGENT_MODEL: 's',
    }
    expect(limitEnv(env, { a: { context: 500_000, output: 64_000 }, s: { context: 300_000 } })).toEqual({
      CLAUDE_CODE_AUTO_COMPACT_WINDOW: '300000',
    })
    expect(limitEnv(env, {})).toEqual({})
    expect(limitEnv(env, undefined)).toEqual({})
    expect(resolveEnv(valid(glm))).not.toHaveProperty('CLAUDE_CODE_AUTO_COMPACT_WINDOW')
  })

  it('a value the template sets in env wins over the derived one', () => {
    const t = valid({ ...tiered, env: { CLAUDE_CODE_AUTO_COMPACT_WINDOW: '150000' } })
    const env = resolveEnv(t)
    expect(env.CLAUDE_CODE_AUTO_COMPACT_WINDOW).toBe('150000')
    expect(env.CLAUDE_CODE_MAX_OUTPUT_TOKENS).toBe('8192')
  })

  it('uses limits learned at setup for a model chosen then, below the template own', () => {
    const router = valid({
      ...glm,
      models: { default: '{{model}}', fast: '{{model}}', sonnet: '{{model}}', opus: '{{model}}', haiku: '{{model}}' },
      inputs: [{ name: 'model', description: 'm' }],
    })
    expect(resolveEnv(router, { model: 'z/glm' }, { 'z/glm': { context: 202_752, output: 16_384 } })).toMatchObject({
      CLAUDE_CODE_AUTO_COMPACT_WINDOW: '202752',
      CLAUDE_CODE_MAX_OUTPUT_TOKENS: '16384',
    })
    expect(resolveEnv(valid(tiered), {}, { mid: { context: 1 } }).CLAUDE_CODE_AUTO_COMPACT_WINDOW).toBe('200000')
  })

  it('looks up own keys only', () => {
    expect(limitsOf({}, 'constructor')).toBeUndefined()
    expect(limitsOf({ m: { context: 5 } }, 'm[1m]')).toEqual({ context: 5 })
  })
})

describe('token counts as Claude Code reads and prints them', () => {
  it('parses tokens and k/m shorthands, refuses the rest', () => {
    expect(parseTokenCount('262144')).toBe(262_144)
    expect(parseTokenCount('200k')).toBe(200_000)
    expect(parseTokenCount('1M')).toBe(1_000_000)
    expect(parseTokenCount('1.5m')).toBe(1_500_000)
    for (const bad of ['', 'x', '-5', '0', '1e9', '12 tokens', undefined])
      expect(parseTokenCount(bad as string)).toBeUndefined()
  })

  it('prints as /context does', () => {
    expect(formatTokens(262_144)).toBe('262.1k')
    expect(formatTokens(204_800)).toBe('204.8k')
    expect(formatTokens(100_000)).toBe('100k')
    expect(formatTokens(1_000_000)).toBe('1m')
    expect(formatTokens(1_048_576)).toBe('1m')
    expect(formatTokens(512)).toBe('512')
  })
})
