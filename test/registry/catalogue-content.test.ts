/**
 * What the client relies on in the bundled catalogue's content: a window for each default model,
 * and the shape of the real providers' histories (glm, minimax, openrouter, mimo-token-plan, deepseek).
 */
import semverDiff from 'semver/functions/diff.js'
import semverMajor from 'semver/functions/major.js'
import { describe, expect, it } from 'vitest'
import { limitsOf } from '../../shared/limits.js'
import { idFolders, load } from '../helpers/catalogue-data.js'

const ids = idFolders()
const entries = ids.map(load)

describe('catalogue content the client relies on', () => {
  it('gives each template a known window for its default model (the real-client suite checks Claude Code reports it)', () => {
    const windows = Object.fromEntries(
      entries.map((e) => {
        const latest = e.versions.find((v) => v.doc.version === e.meta['dist-tags'].latest)!.doc
        return [e.id, limitsOf(latest.limits, latest.models.default)?.context ?? null]
      }),
    )
    expect(windows).toEqual({
      deepseek: 1_000_000,
      glm: 1_000_000,
      kimi: 262_144,
      mimo: 1_000_000,
      'mimo-token-plan': 1_000_000,
      minimax: 1_000_000,
      openrouter: null, // chosen at setup: claude-multi add reads it from OpenRouter's model list
      qwen: 1_000_000,
      'qwen-coding-plan': 1_000_000,
    })
  })

  const byId = new Map(entries.map((e) => [e.id, e]))
  const docs = (id: string) => byId.get(id)!.versions.map((v) => v.doc)
  const find = (id: string, model: string) => docs(id).find((d) => d.models.default === model)

  it('glm spans glm-4.6, glm-5.1 and the glm-5.3 mapping, with a models-only minor step', () => {
    expect(find('glm', 'glm-4.6')?.models).toMatchObject({ haiku: 'glm-4.5-air', opus: 'glm-4.6' })
    expect(find('glm', 'glm-5.1')?.models).toMatchObject({
      sonnet: 'glm-5.1',
      haiku: 'glm-5-turbo',
      fast: 'glm-5-turbo',
    })
    const latest = docs('glm').find((d) => d.version === byId.get('glm')!.meta['dist-tags'].latest)!
    expect(latest.models).toEqual({
      default: 'glm-5.3[1m]',
      fast: 'glm-5-turbo',
      sonnet: 'glm-5.3-flash[1m]',
      opus: 'glm-5.3[1m]',
      haiku: 'glm-5-turbo',
    })
    expect(latest.env.API_TIMEOUT_MS).toBe('3000000')
  })

  it('minimax maps one model to every role and keeps M2.7 and M3 in one major', () => {
    for (const d of docs('minimax')) expect(new Set(Object.values(d.models)).size, d.version).toBe(1)
    const m27 = find('minimax', 'MiniMax-M2.7')!
    const m3 = find('minimax', 'MiniMax-M3')!
    expect(semverMajor(m27.version)).toBe(semverMajor(m3.version))
    expect(semverDiff(m27.version, m3.version)).toBe('minor')
  })

  it('openrouter asks for one model used by every role and blanks ANTHROPIC_API_KEY', () => {
    for (const d of docs('openrouter')) {
      expect(d.baseUrl).toBe('https://openrouter.ai/api')
      expect(d.auth).toBe('ANTHROPIC_AUTH_TOKEN')
      expect(d.env.ANTHROPIC_API_KEY).toBe('')
      expect(d.inputs.map((i) => i.name)).toEqual(['model'])
      expect(new Set(Object.values(d.models))).toEqual(new Set(['{{model}}']))
    }
  })

  it('mimo-token-plan takes its region from a closed list', () => {
    for (const d of docs('mimo-token-plan')) {
      expect(d.baseUrl).toBe('https://token-plan-{{region}}.xiaomimimo.com/anthropic')
      expect(d.inputs.find((i) => i.name === 'region')?.choices).toEqual(['cn', 'sgp', 'ams'])
    }
  })

  it('deepseek sends subagents to the flash model once V4 is mapped', () => {
    const v4 = find('deepseek', 'deepseek-v4-pro[1m]')!
    expect(v4.env.CLAUDE_CODE_SUBAGENT_MODEL).toBe(v4.models.haiku)
  })
})
