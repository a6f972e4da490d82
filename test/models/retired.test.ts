import { describe, expect, it } from 'vitest'
import { describeRetired, findRetired, mergeRetired, overrideSuggestion } from '../../client/models/retired.js'
import { describeRetiredWarning, retiredWarnings, type RetiredPlanView } from '../../client/models/retired-report.js'

const RETIRED = { 'glm-5.1': 'glm-5.3', 'glm-5.2': 'glm-5.3', 'glm-5.2[1m]': 'glm-5.3[1m]', 'glm-4.5-air': null }

describe('findRetired', () => {
  it('finds role and non-role variables, strips [1m], prefers an exact [1m] entry', () => {
    const env = {
      ANTHROPIC_BASE_URL: 'https://api.z.ai/api/anthropic',
      ANTHROPIC_AUTH_TOKEN: 'glm-5.1', // never a model, even if it looks like one
      ANTHROPIC_MODEL: 'glm-5.3[1m]',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'glm-5.1[1m]',
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'glm-5.2[1m]',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'glm-4.5-air',
      CLAUDE_CODE_SUBAGENT_MODEL: 'glm-5.2',
      API_TIMEOUT_MS: '3000000',
    }
    expect(findRetired(env, RETIRED)).toEqual([
      { key: 'ANTHROPIC_DEFAULT_SONNET_MODEL', role: 'sonnet', model: 'glm-5.1[1m]', replacement: 'glm-5.3[1m]' },
      { key: 'ANTHROPIC_DEFAULT_OPUS_MODEL', role: 'opus', model: 'glm-5.2[1m]', replacement: 'glm-5.3[1m]' },
      { key: 'ANTHROPIC_DEFAULT_HAIKU_MODEL', role: 'haiku', model: 'glm-4.5-air', replacement: null },
      { key: 'CLAUDE_CODE_SUBAGENT_MODEL', model: 'glm-5.2', replacement: 'glm-5.3' },
    ])
  })

  it('matches a bare value against an entry that only lists the [1m] form', () => {
    expect(findRetired({ ANTHROPIC_MODEL: 'm-1' }, { 'm-1[1m]': 'm-2[1m]' })).toEqual([
      { key: 'ANTHROPIC_MODEL', role: 'default', model: 'm-1', replacement: 'm-2' },
    ])
  })

  it('nothing retired → nothing found; empty values are ignored', () => {
    expect(findRetired({ ANTHROPIC_MODEL: 'glm-5.3', ANTHROPIC_DEFAULT_SONNET_MODEL: '' }, RETIRED)).toEqual([])
    expect(findRetired({ ANTHROPIC_MODEL: 'glm-5.1' }, {})).toEqual([])
  })

  it('follows replacement chains (glm-4.6 → glm-5.1 → glm-5.3) and stops on cycles', () => {
    expect(findRetired({ ANTHROPIC_MODEL: 'glm-4.6' }, { 'glm-4.6': 'glm-5.1', ...RETIRED })[0]!.replacement).toBe(
      'glm-5.3',
    )
    expect(findRetired({ ANTHROPIC_MODEL: 'a' }, { a: 'b', b: 'a' })[0]!.replacement).toBe('b') // terminates
  })

  it('mergeRetired: the later (wanted) list wins', () => {
    expect(mergeRetired({ a: 'b', c: null }, undefined, { a: 'z' })).toEqual({ a: 'z', c: null })
  })

  it('describes and suggests an override (quoted for the shell when needed)', () => {
    const [sonnet, , haiku] = findRetired(
      {
        ANTHROPIC_DEFAULT_SONNET_MODEL: 'glm-5.2[1m]',
        ANTHROPIC_MODEL: 'glm-5.1',
        ANTHROPIC_DEFAULT_HAIKU_MODEL: 'glm-4.5-air',
      },
      RETIRED,
    )
    expect(describeRetired(sonnet!)).toBe('sonnet uses glm-5.2[1m], retired by the provider → glm-5.3[1m]')
    expect(overrideSuggestion('work', sonnet!)).toBe(`claude-multi override work sonnet='glm-5.3[1m]'`)
    expect(describeRetired(haiku!)).toBe('haiku uses glm-4.5-air, retired by the provider (no replacement named)')
    expect(overrideSuggestion('work', haiku!)).toBeUndefined()
  })
})

describe('retiredWarnings (on a sync plan)', () => {
  const plan = (
    ours: Record<string, string>,
    after: Record<string, string>,
    overrides: Record<string, string | null> = {},
  ): RetiredPlanView => ({
    name: 'work',
    ours,
    merge: { env: after },
    overrides,
    docs: {
      base: { version: '1.3.0', retired: { 'glm-4.6': 'glm-5.1' } },
      theirs: { version: '1.5.0', retired: RETIRED },
    },
  })

  it('an override to a retired model: kept by sync, with the override command to fix it', () => {
    const ours = { ANTHROPIC_MODEL: 'glm-5.3', ANTHROPIC_DEFAULT_SONNET_MODEL: 'glm-5.1' }
    const [w, ...rest] = retiredWarnings(plan(ours, ours, { ANTHROPIC_DEFAULT_SONNET_MODEL: 'glm-5.1' }))
    expect(rest).toEqual([])
    expect(w).toMatchObject({
      role: 'sonnet',
      override: true,
      fixedBySync: false,
      replacement: 'glm-5.3',
      listedBy: ['1.5.0'],
    })
    expect(describeRetiredWarning(w!)).toBe(
      'work: sonnet uses glm-5.1 (your override), retired by the provider → glm-5.3; sync keeps your value, to switch run: claude-multi override work sonnet=glm-5.3',
    )
  })

  it('a template value that sync replaces is reported as fixed by sync, with no override suggested', () => {
    const [w] = retiredWarnings(plan({ ANTHROPIC_MODEL: 'glm-4.6' }, { ANTHROPIC_MODEL: 'glm-5.3' }))
    expect(w).toMatchObject({ fixedBySync: true, override: false, listedBy: ['1.3.0'] })
    expect(w!.suggestion).toBeUndefined()
    expect(describeRetiredWarning(w!)).toBe(
      'work: default uses glm-4.6, retired by the provider → glm-5.3; `claude-multi sync work` replaces it',
    )
  })

  it('nothing retired in either version → no warnings', () => {
    const p = plan({ ANTHROPIC_MODEL: 'glm-5.1' }, { ANTHROPIC_MODEL: 'glm-5.1' })
    p.docs = { base: { version: '1', retired: {} }, theirs: { version: '2' } }
    expect(retiredWarnings(p)).toEqual([])
  })
})
