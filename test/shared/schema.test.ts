import { describe, expect, it } from 'vitest'
import { parseTemplateJson, templateJsonSchema, validateTemplate } from '../../shared/schema.js'
import { resolveEnv } from '../../shared/resolve.js'

const glm = {
  id: 'glm',
  version: '2.1.0',
  name: 'Z.AI GLM',
  description: 'GLM models through Z.AI',
  homepage: 'https://z.ai',
  baseUrl: 'https://api.z.ai/api/anthropic',
  auth: 'ANTHROPIC_AUTH_TOKEN',
  models: { default: 'glm-5.1', fast: 'glm-5-turbo', sonnet: 'glm-5.1', opus: 'glm-5.1', haiku: 'glm-5-turbo' },
  env: { API_TIMEOUT_MS: '3000000' },
  inputs: [],
  changelog: 'glm-5.1',
}

describe('validateTemplate', () => {
  it('accepts the documented example', () => {
    const r = validateTemplate(glm)
    expect(r.ok).toBe(true)
  })

  it('lists every issue with its JSON path, not only the first', () => {
    const r = validateTemplate({
      ...glm,
      id: 'GLM',
      version: 'v2',
      baseUrl: 'http://api.z.ai',
      auth: 'ANTHROPIC_KEY',
      models: { ...glm.models, sonnet: 'a\nb', haiku: undefined },
      env: { 'bad-name': 'x', ANTHROPIC_MODEL: 'x', OK: 3 },
      inputs: [{ name: 'region', description: 'r', choices: ['a'], default: 'b' }],
      extra: true,
    })
    expect(r.ok).toBe(false)
    const paths = r.ok ? [] : r.issues.map((i) => i.path)
    for (const p of [
      'id',
      'version',
      'baseUrl',
      'auth',
      'models.sonnet',
      'models.haiku',
      'env.bad-name',
      'env.ANTHROPIC_MODEL',
      'env.OK',
      'inputs[0].default',
      '',
    ]) {
      expect(paths).toContain(p)
    }
  })

  it('refuses unknown {{inputs}}, a secret in the auth variable, and NUL', () => {
    const r = validateTemplate({
      ...glm,
      baseUrl: 'https://{{region}}.x.test',
      env: { ANTHROPIC_AUTH_TOKEN: 'sk-1', CLAUDE_CODE_SUBAGENT_MODEL: 'a\0' },
    })
    expect(r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'env.ANTHROPIC_AUTH_TOKEN: carries the API key (auth); a template never holds a secret',
      'env.CLAUDE_CODE_SUBAGENT_MODEL: must not contain control or bidi characters (found \\x00 at 1)',
      'baseUrl: uses {{region}} but no input "region" is declared',
    ])
  })

  it('allows the empty string as a value (OpenRouter) and http for loopback', () => {
    expect(validateTemplate({ ...glm, env: { ANTHROPIC_API_KEY: '' } }).ok).toBe(true)
    expect(validateTemplate({ ...glm, baseUrl: 'http://127.0.0.1:9/anthropic' }).ok).toBe(true)
  })

  it('accepts scoped ids and reports bad JSON as an issue', () => {
    expect(validateTemplate({ ...glm, id: '@acme/gateway' }).ok).toBe(true)
    expect(parseTemplateJson('{nope')).toMatchObject({ ok: false, issues: [{ path: '' }] })
  })

  it('exports a JSON Schema', () => {
    const s = templateJsonSchema()
    expect(s).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['id', 'version', 'baseUrl', 'models']),
    })
  })
})

describe('resolveEnv', () => {
  const router = {
    ...glm,
    id: 'openrouter',
    baseUrl: 'https://openrouter.ai/api',
    models: { default: '{{model}}', fast: '{{model}}', sonnet: '{{model}}', opus: '{{model}}', haiku: '{{model}}' },
    env: { ANTHROPIC_API_KEY: '' },
    inputs: [{ name: 'model', description: 'the model for every role' }],
  }

  it('orders base URL, roles, then env, and substitutes inputs', () => {
    const t = validateTemplate(router)
    if (!t.ok) throw new Error('fixture invalid')
    expect(resolveEnv(t.template, { model: 'qwen/qwen3-coder' })).toEqual({
      ANTHROPIC_BASE_URL: 'https://openrouter.ai/api',
      ANTHROPIC_MODEL: 'qwen/qwen3-coder',
      ANTHROPIC_SMALL_FAST_MODEL: 'qwen/qwen3-coder',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'qwen/qwen3-coder',
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'qwen/qwen3-coder',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'qwen/qwen3-coder',
      ANTHROPIC_API_KEY: '',
    })
    expect(Object.keys(resolveEnv(t.template, { model: 'x' }))[0]).toBe('ANTHROPIC_BASE_URL')
  })

  it('names missing, unknown and out-of-choice inputs', () => {
    const t = validateTemplate(router)
    if (!t.ok) throw new Error('fixture invalid')
    expect(() => resolveEnv(t.template, {})).toThrow(/needs --input model=/)
    expect(() => resolveEnv(t.template, { model: 'x', other: 'y' })).toThrow(/has no input "other"/)
    const region = validateTemplate({
      ...glm,
      baseUrl: 'https://{{region}}.x.test',
      inputs: [{ name: 'region', description: 'r', choices: ['cn', 'sgp'] }],
    })
    if (!region.ok) throw new Error('fixture invalid')
    expect(() => resolveEnv(region.template, { region: 'ams' })).toThrow(/must be one of cn, sgp/)
    expect(resolveEnv(region.template, { region: 'sgp' }).ANTHROPIC_BASE_URL).toBe('https://sgp.x.test')
    expect(() => resolveEnv(region.template, { region: 'a\nb' })).toThrow()
  })
})

describe('the env allowlist', () => {
  it('a template cannot set what the shell owns or what loads code (nor anything else off the list)', () => {
    const r = validateTemplate({
      ...glm,
      env: { NODE_OPTIONS: '--require /tmp/x.js', OPTIND: '1', LD_PRELOAD: '/x.so', CLAUDE_CODE_SUBAGENT_MODEL: 'ok' },
    })
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual(['env.NODE_OPTIONS', 'env.OPTIND', 'env.LD_PRELOAD'])
  })
})
