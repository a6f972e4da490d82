import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ENV_ALLOWLIST, isAllowedEnv, templateEnvProblem } from '../../shared/env-allowlist.js'
import { refusedEnvProblem } from '../../shared/env-refused.js'
import { resolveEnv } from '../../shared/resolve.js'
import { AUTH_VARS, BASE_URL_ENV, ROLE_ENV } from '../../shared/roles.js'
import { validateTemplate } from '../../shared/schema.js'
import type { Template } from '../../shared/types.js'
import { FOUND_ACCEPTED } from '../helpers/dangerous-env.js'

const CATALOGUE = join(import.meta.dirname, '../../registry/templates')
const glm = JSON.parse(readFileSync(join(CATALOGUE, 'glm/1.5.0.json'), 'utf8')) as Template

describe('the env allowlist (shared/env-allowlist.ts)', () => {
  it('holds what AGREEMENTS.md promises other features, each with a one-line reason', () => {
    const promised = [
      'API_TIMEOUT_MS',
      'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC',
      'CLAUDE_CODE_SUBAGENT_MODEL',
      'CLAUDE_CODE_AUTO_COMPACT_WINDOW',
      'CLAUDE_CODE_MAX_OUTPUT_TOKENS',
      'MAX_THINKING_TOKENS',
      'CLAUDE_AUTOCOMPACT_PCT_OVERRIDE',
      'ANTHROPIC_CUSTOM_HEADERS',
      BASE_URL_ENV,
      ...AUTH_VARS,
      ...Object.values(ROLE_ENV),
    ]
    for (const name of promised) expect(isAllowedEnv(name), name).toBe(true)
    for (const [name, rule] of Object.entries(ENV_ALLOWLIST)) {
      expect(rule.reason.length, name).toBeGreaterThan(10)
      expect(rule.reason, name).not.toMatch(/\n/)
    }
  })

  it('covers every variable the catalogue sets', () => {
    for (const id of readdirSync(CATALOGUE)) {
      for (const f of readdirSync(join(CATALOGUE, id)).filter((f) => f !== 'meta.json')) {
        const t = JSON.parse(readFileSync(join(CATALOGUE, id, f), 'utf8')) as Template
        for (const [name, value] of Object.entries(t.env))
          expect(templateEnvProblem(name, value, t.auth), `${id}/${f} ${name}`).toBeUndefined()
      }
    }
  })

  it('holds nothing that runs code, moves traffic or changes a shell', () => {
    for (const name of Object.keys(ENV_ALLOWLIST)) {
      expect(refusedEnvProblem(name), name).toBeUndefined()
      expect(name, 'no proxies').not.toMatch(/PROXY|BEDROCK|VERTEX|FOUNDRY|SHELL|PATH|GIT_|OPTIONS|PAGER|EDITOR/)
    }
  })

  it('refuses, by name, every variable the issue found accepted', () => {
    const found = [...FOUND_ACCEPTED, 'constructor', '__proto__', 'toString']
    const r = validateTemplate({ ...glm, env: Object.fromEntries(found.map((n) => [n, '1'])) })
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual(found.map((n) => `env.${n}`))
    for (const i of r.ok ? [] : r.issues) expect(i.message).toMatch(/not on the allowlist/)
  })

  it('checks values by kind, and the key variables only as ""', () => {
    const bad = (env: Record<string, string>, auth = 'ANTHROPIC_AUTH_TOKEN') =>
      Object.entries(env).map(([n, v]) => templateEnvProblem(n, v, auth))
    expect(
      bad({
        API_TIMEOUT_MS: '600000',
        CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: '80',
        DISABLE_TELEMETRY: '1',
        ANTHROPIC_CUSTOM_HEADERS: 'X-Region: eu',
      }),
    ).toEqual([undefined, undefined, undefined, undefined])
    expect(
      bad({
        API_TIMEOUT_MS: '10m',
        CLAUDE_AUTOCOMPACT_PCT_OVERRIDE: '150',
        DISABLE_TELEMETRY: '0',
        ANTHROPIC_CUSTOM_HEADERS: 'no colon',
      }).every(Boolean),
    ).toBe(true)
    expect(templateEnvProblem('ANTHROPIC_API_KEY', '', 'ANTHROPIC_AUTH_TOKEN')).toBeUndefined()
    expect(templateEnvProblem('ANTHROPIC_API_KEY', 'sk-ant-x', 'ANTHROPIC_AUTH_TOKEN')).toMatch(/only be set to ""/)
    expect(templateEnvProblem('ANTHROPIC_AUTH_TOKEN', '', 'ANTHROPIC_AUTH_TOKEN')).toMatch(/carries the API key/)
    expect(templateEnvProblem('ANTHROPIC_MODEL', 'x', 'ANTHROPIC_AUTH_TOKEN')).toMatch(/use the models field/)
    expect(templateEnvProblem('ANTHROPIC_BASE_URL', 'https://x', 'ANTHROPIC_AUTH_TOKEN')).toMatch(
      /use the baseUrl field/,
    )
  })

  it('is enforced again when a template is rendered: a document that never met the schema cannot get a name past it', () => {
    const planted: Template = { ...glm, env: { ...glm.env, GIT_CONFIG_COUNT: '1' } }
    expect(() => resolveEnv(planted)).toThrow(
      /glm@1\.5\.0 sets GIT_CONFIG_COUNT, which is not on the allowlist.*nothing was written/,
    )
    expect(() =>
      resolveEnv(
        { ...glm, env: { API_TIMEOUT_MS: '{{t}}' }, inputs: [{ name: 't', description: 't' }] },
        { t: '1; rm -rf /' },
      ),
    ).toThrow(/whole number/)
    expect(() => resolveEnv({ ...glm, models: { ...glm.models, opus: 'glm\u001b]0;pwned\u0007' } })).toThrow(
      /control or bidi/,
    )
    // The base of a merge (a locked version) is compared, never written: it may predate the list.
    expect(resolveEnv(planted, {}, {}, { unchecked: true }).GIT_CONFIG_COUNT).toBe('1')
  })
})

describe('names the managed block never exports (shared/env-refused.ts)', () => {
  it('refuses shell-owned and code-loading names for the user too, and allows the rest', () => {
    for (const name of [
      '_',
      'OPTIND',
      'PATH',
      'HOME',
      'BASH_ENV',
      'LD_PRELOAD',
      'NODE_OPTIONS',
      'GIT_CONFIG_COUNT',
      'GIT_SSH_COMMAND',
      'PERL5OPT',
      'PYTHONPATH',
      'RUBYOPT',
      'PAGER',
      'LESSOPEN',
      'EDITOR',
      'ZDOTDIR',
      'PROMPT_COMMAND',
      'CLAUDE_CODE_SHELL_PREFIX',
      'JAVA_TOOL_OPTIONS',
      'GCONV_PATH',
    ]) {
      expect(refusedEnvProblem(name), name).toBeDefined()
    }
    // The user owns the wrapper: a corporate proxy or a temp dir of their own is their call.
    for (const name of ['HTTPS_PROXY', 'TMPDIR', 'MY_VAR', 'CLAUDE_CODE_USE_BEDROCK', 'API_TIMEOUT_MS'])
      expect(refusedEnvProblem(name), name).toBeUndefined()
  })
})

describe('the README lists the allowlist', () => {
  it('names every allowlisted variable in the security section', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8')
    const section = readme.slice(
      readme.indexOf('### What a template can and cannot do'),
      readme.indexOf('### Text that cannot lie'),
    )
    for (const name of Object.keys(ENV_ALLOWLIST)) expect(section, name).toContain(`\`${name}\``)
  })
})
