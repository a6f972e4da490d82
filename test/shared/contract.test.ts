import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  bumpBetween,
  caretGroup,
  contractChanges,
  neighbours,
  requiredLevel,
  semverProblem,
  suggest,
} from '../../shared/contract.js'
import type { Template } from '../../shared/types.js'

const load = (id: string, v: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../../registry/templates', id, `${v}.json`), 'utf8')) as Template
const glm = load('glm', '1.5.0')
const router = load('openrouter', '1.0.0')
const at = (t: Template, version: string, patch: Partial<Template> = {}): Template => ({ ...t, version, ...patch })

describe('the semver contract (shared/contract.ts)', () => {
  it('is baseUrl, auth, input names and required-ness, and the set of env names', () => {
    expect(
      contractChanges(glm, at(glm, '1.6.0', { baseUrl: 'https://evil.example', auth: 'ANTHROPIC_API_KEY' })),
    ).toEqual([
      'baseUrl: https://api.z.ai/api/anthropic → https://evil.example',
      'auth: ANTHROPIC_AUTH_TOKEN → ANTHROPIC_API_KEY',
    ])
    expect(
      contractChanges(
        router,
        at(router, '1.1.0', { inputs: [{ name: 'model', description: 'x', default: 'z-ai/glm-4.6' }] }),
      ),
    ).toEqual(['input model: required → optional'])
    expect(contractChanges(glm, at(glm, '1.5.1', { env: { API_TIMEOUT_MS: '1', DISABLE_TELEMETRY: '1' } }))).toEqual([
      'env DISABLE_TELEMETRY added',
    ])
    // Not the contract: values, models, a model variable, a choice list, metadata.
    expect(
      contractChanges(
        glm,
        at(glm, '1.6.0', {
          env: { API_TIMEOUT_MS: '1', CLAUDE_CODE_SUBAGENT_MODEL: 'x' },
          models: { ...glm.models, opus: 'y' },
          description: 'd',
        }),
      ),
    ).toEqual([])
    expect(
      contractChanges(
        router,
        at(router, '1.0.1', { inputs: [{ name: 'model', description: 'other words', choices: ['a', 'b'] }] }),
      ),
    ).toEqual([])
  })

  it('picks the bump from the diff, like elm bump', () => {
    expect(requiredLevel(glm, at(glm, 'x', { changelog: 'typo' })).level).toBe('patch')
    expect(requiredLevel(glm, at(glm, 'x', { env: { API_TIMEOUT_MS: '600000' } })).level).toBe('patch')
    expect(requiredLevel(glm, at(glm, 'x', { models: { ...glm.models, haiku: 'glm-6' } }))).toEqual({
      level: 'minor',
      reasons: ['models.haiku: glm-5-turbo → glm-6'],
    })
    expect(requiredLevel(glm, at(glm, 'x', { retired: {} })).level).toBe('minor')
    expect(requiredLevel(glm, at(glm, 'x', { env: { ...glm.env, CLAUDE_CODE_SUBAGENT_MODEL: 'glm-6' } })).level).toBe(
      'minor',
    )
    expect(requiredLevel(glm, at(glm, 'x', { baseUrl: 'https://other.example' })).level).toBe('major')
  })

  it('knows caret groups, including 0.x', () => {
    expect([
      caretGroup('1.4.2'),
      caretGroup('0.3.1'),
      caretGroup('0.0.4'),
      caretGroup('2.0.0-rc.1'),
      caretGroup('../x'),
    ]).toEqual(['1', '0.3', '0.0.4', '2', undefined])
    expect([
      bumpBetween('1.4.0', '1.5.0'),
      bumpBetween('1.4.0', '1.4.1'),
      bumpBetween('1.4.0', '2.0.0'),
      bumpBetween('0.3.0', '0.3.5'),
    ]).toEqual(['minor', 'patch', 'major', 'patch'])
    expect(neighbours('1.4.1', ['1.3.0', '1.4.0', '1.5.0', '1.6.0-rc.1', '2.0.0', '0.9.0'])).toEqual({
      earlier: '1.4.0',
      later: '1.5.0',
    })
    expect(neighbours('2.0.0', ['1.3.0', '1.4.0'])).toEqual({})
  })

  it('refuses a minor that changes the contract and says which version it must be', () => {
    const evil = at(glm, '1.6.0', { baseUrl: 'https://evil.example' })
    expect(semverProblem(evil, { earlier: glm }, ['1.4.0', '1.5.0'])).toEqual({
      code: 'E_SEMVER',
      message:
        'glm@1.6.0 changes the contract of 1.5.0 (baseUrl: https://api.z.ai/api/anthropic → https://evil.example): that needs a major version; publish it as 2.0.0',
      suggested: '2.0.0',
    })
    expect(
      semverProblem(at(glm, '1.5.1', { models: { ...glm.models, opus: 'x' } }), { earlier: glm }, ['1.5.0', '1.6.0'])
        ?.message,
    ).toMatch(/needs a minor version; publish it as 1\.7\.0$/)
    expect(
      semverProblem(at(glm, '1.6.0', { models: { ...glm.models, opus: 'x' } }), { earlier: glm }, ['1.5.0']),
    ).toBeUndefined()
    expect(semverProblem(at(glm, '2.0.0', { baseUrl: 'https://new.example' }), {}, ['1.5.0'])).toBeUndefined()
    // Slipped in under a later version of the same major: that one's contract binds it too.
    expect(
      semverProblem(at(glm, '1.4.5', { auth: 'ANTHROPIC_API_KEY' }), { later: glm }, ['1.4.0', '1.5.0'])?.message,
    ).toMatch(/another contract than 1\.5\.0.*publish it as 2\.0\.0/)
    // 0.y: a caret pin stays in 0.y, so models may move in a patch; the contract may not.
    expect(
      semverProblem(at(glm, '0.3.1', { models: { ...glm.models, opus: 'x' } }), { earlier: at(glm, '0.3.0') }, [
        '0.3.0',
      ]),
    ).toBeUndefined()
    expect(
      semverProblem(at(glm, '0.3.1', { baseUrl: 'https://x.example' }), { earlier: at(glm, '0.3.0') }, [
        '0.3.0',
        '0.4.2',
      ])?.suggested,
    ).toBe('0.5.0')
  })

  it('suggests the next free version', () => {
    expect(suggest('major', '1.5.0', ['1.5.0', '2.0.0', '3.1.0'])).toBe('4.0.0')
    expect(suggest('minor', '1.5.0', ['1.5.0', '1.6.0', '2.0.0'])).toBe('1.7.0')
    expect(suggest('patch', '1.5.0', ['1.5.0', '1.5.3'])).toBe('1.5.4')
  })
})
