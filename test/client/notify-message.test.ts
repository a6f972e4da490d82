import { describe, expect, it } from 'vitest'
import type { RetiredWarning } from '../../client/models/retired-report.js'
import { availableNotice, roleChanges, updatedNotice, type NoticeFacts } from '../../client/notify/message.js'

const facts = (over: Partial<NoticeFacts> = {}): NoticeFacts => ({
  name: 'work',
  template: 'glm',
  current: '1.5.0',
  wanted: '1.5.0',
  roles: [],
  kept: [],
  retired: [],
  ...over,
})
const retired = (over: Partial<RetiredWarning> = {}): RetiredWarning => ({
  key: 'ANTHROPIC_DEFAULT_SONNET_MODEL',
  role: 'sonnet',
  model: 'glm-4.5',
  replacement: 'glm-5',
  instance: 'work',
  override: false,
  fixedBySync: false,
  suggestion: 'claude-multi override work sonnet=glm-5',
  listedBy: ['1.5.0'],
  ...over,
})

describe('the launch notice', () => {
  it('says nothing when the instance is current and healthy', () => {
    expect(availableNotice(facts())).toBeUndefined()
  })

  it('names the version and each role that changes model', () => {
    const roles = roleChanges(
      { ANTHROPIC_DEFAULT_SONNET_MODEL: 'glm-5.3-flash', API_TIMEOUT_MS: '1' },
      { ANTHROPIC_DEFAULT_SONNET_MODEL: 'glm-5.5-flash', API_TIMEOUT_MS: '2' },
    )
    expect(roles).toEqual(['sonnet glm-5.3-flash → glm-5.5-flash'])
    expect(availableNotice(facts({ wanted: '1.6.0', roles }))).toBe(
      'claude-work: glm 1.5.0 → 1.6.0 (sonnet glm-5.3-flash → glm-5.5-flash) — run: claude-multi sync work',
    )
  })

  it('is louder for a retired model or a deprecated version, with the command that fixes it', () => {
    expect(availableNotice(facts({ retired: [retired()] }))).toBe(
      'claude-work: WARNING sonnet uses glm-4.5, which the provider retired (replacement: glm-5) — run: claude-multi override work sonnet=glm-5',
    )
    expect(availableNotice(facts({ deprecated: 'security fix in 1.5.1', wanted: '1.5.0' }))).toBe(
      'claude-work: WARNING glm 1.5.0 is deprecated: security fix in 1.5.1 — run: claude-multi outdated work --long',
    )
    expect(availableNotice(facts({ wanted: '1.6.0', retired: [retired({ fixedBySync: true })] }))).toMatch(
      /^claude-work: WARNING sonnet uses glm-4\.5.*; glm 1\.5\.0 → 1\.6\.0 — run: claude-multi sync work$/,
    )
  })

  it('names a held or a new major without applying it', () => {
    const held = { version: '2.0.0', kind: 'major' as const, changes: [], hint: 'claude-multi pin work ^2.0.0' }
    expect(availableNotice(facts({ held }))).toBe(
      'claude-work: glm 1.5.0 → 2.0.0 is a new major, not applied — run: claude-multi pin work ^2.0.0',
    )
    expect(availableNotice(facts({ major: '2.0.0' }))).toBe(
      'claude-work: glm 2.0.0 is a new major (review: claude-multi diff work --to 2.0.0) — run: claude-multi pin work ^2.0.0',
    )
  })

  it('after auto-sync: what changed, what was kept, how to undo it', () => {
    expect(updatedNotice(facts({ wanted: '1.6.0' }))).toBe(
      'claude-work: updated glm 1.5.0 → 1.6.0 (undo: claude-multi rollback work)',
    )
    expect(updatedNotice(facts({ wanted: '1.6.0', roles: ['default a → b'], kept: ['sonnet'] }))).toBe(
      'claude-work: updated glm 1.5.0 → 1.6.0 (default a → b; kept your sonnet; undo: claude-multi rollback work)',
    )
  })
})
