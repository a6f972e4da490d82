import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderChangelog } from '../../client/render/changelog.js'
import type { Changelog } from '../../client/sync/changelog.js'

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/changelog/${name}`, import.meta.url), 'utf8').replace(/\n$/, '')

/** The block `sync`, `sync --dry-run` and `outdated --long` print (tests run without a terminal: no colour). */
describe('changelog block', () => {
  it('newest first, dates, deprecations, a missing changelog, an unreadable one and the versions left out', () => {
    const log: Changelog = {
      from: '1.5.1',
      to: '1.8.0',
      currentDeprecated: 'sonnet mapping broken,\nmove on',
      omitted: 2,
      versions: [
        { version: '1.8.0', date: '2026-12-01', lines: ['models.sonnet: glm-5.3 → glm-5.5', 'haiku unchanged'] },
        { version: '1.7.0', date: '2026-11-20', lines: [], deprecated: 'use 1.8.0' },
        { version: '1.6.0', lines: [], unavailable: 'glm@1.6.0 is not in the cache and --offline forbids fetching it' },
      ],
    }
    expect(renderChangelog(log)).toBe(fixture('block.txt'))
  })

  it('registry text cannot drive the terminal: escapes, bidi and line separators are shown, inert', () => {
    const log: Changelog = {
      from: '1.0.0',
      to: '1.1.0',
      omitted: 0,
      versions: [
        {
          version: '1.1.0',
          lines: ['title\u001b]0;pwned\u0007 set', 'claude-\u202esonnet', 'a\u2028b'],
          deprecated: 'red\u001b[31m',
        },
      ],
    }
    expect(renderChangelog(log)).toBe(fixture('hostile.txt'))
    expect(renderChangelog(log)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e\u2028]/)
  })

  it('nothing for no update', () => {
    expect(renderChangelog(undefined)).toBe('')
  })
})
