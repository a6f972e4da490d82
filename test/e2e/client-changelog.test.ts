import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { derive, sandbox, startRegistry, type Registry, type Sandbox } from '../helpers/client.js'

/**
 * Issue 15 item 3: the changelog of every version between current (exclusive) and wanted
 * (inclusive), newest first, with deprecations, where the decision is made: `sync --dry-run`,
 * `outdated --long` and `sync` itself. A real registry, the real binary.
 */
describe('changelogs where decisions are made', () => {
  let reg: Registry
  let sb: Sandbox
  beforeAll(async () => {
    reg = await startRegistry()
    sb = sandbox(reg.url, { CLAUDE_MULTI_TOKEN: reg.token })
    expect(sb.cm(['add', 'work', 'glm', '--api-key-stdin'], { input: 'k\n' }).code).toBe(0)
    const publish = (from: string, version: string, changelog: string, timeout: string) => {
      const file = join(sb.dir, `glm-${version}.json`)
      writeFileSync(
        file,
        derive('glm', from, version, (d) => {
          d.changelog = changelog
          d.env.API_TIMEOUT_MS = timeout
        }),
      )
      const r = sb.cm(['publish', file])
      expect(r.stderr).toBe('')
    }
    publish('1.5.1', '1.6.0', 'models.sonnet: glm-5.3-flash → glm-5.4\nsecond line of 1.6.0', '3000004')
    publish('1.5.1', '1.6.1-beta.1', 'a pre-release nobody resolved to', '3000009')
    publish('1.5.1', '1.7.0', 'models.sonnet: glm-5.4 → glm-5.5', '3000005')
    expect(sb.cm(['deprecate', 'glm@1.6.0', 'sonnet 5.4 was withdrawn']).code).toBe(0)
  })
  afterAll(async () => {
    await reg?.stop()
    sb?.cleanup()
  })

  const block = [
    'changes 1.5.1 → 1.7.0 (newest first)',
    '1.7.0 (',
    'models.sonnet: glm-5.4 → glm-5.5',
    '1.6.0 (',
    'deprecated: sonnet 5.4 was withdrawn',
    'models.sonnet: glm-5.3-flash → glm-5.4',
    'second line of 1.6.0',
  ]
  /** Every piece present, in this order. */
  const inOrder = (text: string, pieces: string[]) => {
    let at = 0
    for (const p of pieces) {
      const i = text.indexOf(p, at)
      expect(i, `"${p}" after offset ${at} in:\n${text}`).toBeGreaterThanOrEqual(0)
      at = i + p.length
    }
  }

  it('sync --dry-run and outdated --long show every version in between, newest first, and the deprecation', () => {
    const dry = sb.cm(['sync', '--dry-run', 'work'])
    expect(dry.code).toBe(0)
    inOrder(dry.stdout, ['work: would update (glm 1.5.1 → 1.7.0)', ...block])
    expect(dry.stdout).not.toContain('1.6.1-beta.1')
    expect(dry.stdout).not.toContain('1.5.1 (')

    const long = sb.cm(['outdated', '--long'])
    expect(long.code).toBe(0)
    inOrder(long.stdout, ['work:', ...block])

    const json = JSON.parse(sb.cm(['outdated', '--long', '--json']).stdout)
    expect(json.instances[0].changelog).toMatchObject({
      from: '1.5.1',
      to: '1.7.0',
      omitted: 0,
      versions: [
        { version: '1.7.0', lines: ['models.sonnet: glm-5.4 → glm-5.5'] },
        {
          version: '1.6.0',
          deprecated: 'sonnet 5.4 was withdrawn',
          lines: ['models.sonnet: glm-5.3-flash → glm-5.4', 'second line of 1.6.0'],
        },
      ],
    })
    // --check stays on the hot path: the table only, no document read for changelogs.
    const check = sb.cm(['sync', '--check', 'work'])
    expect(check.code).toBe(100)
    expect(check.stdout).not.toContain('changes 1.5.1')
  })

  it('sync prints what it moved across; the next sync has nothing to show', () => {
    const synced = sb.cm(['sync', 'work'])
    expect(synced.code).toBe(0)
    inOrder(synced.stdout, ['work: updated (glm 1.5.1 → 1.7.0)', ...block])
    const again = sb.cm(['sync', '--dry-run', 'work'])
    expect(again.stdout).not.toContain('changes ')
  })

  it('offline, an uncached changelog says so and the command still succeeds', () => {
    for (const [version, text] of [
      ['1.7.1', 'seventeen-one'],
      ['1.8.0', 'eighteen'],
    ] as const) {
      const file = join(sb.dir, `glm-${version}.json`)
      writeFileSync(
        file,
        derive('glm', '1.5.1', version, (d) => {
          d.changelog = text
          d.env.API_TIMEOUT_MS = '3000006'
        }),
      )
      expect(sb.cm(['publish', file]).code).toBe(0)
    }
    // Online once: the index and 1.8.0's document (the plan needs it), never 1.7.1's.
    expect(sb.cm(['sync', '--check', 'work']).code).toBe(100)
    const offline = sb.cm(['outdated', '--long', '--offline'])
    expect(offline.code).toBe(0)
    expect(offline.stdout).toContain('changes 1.7.0 → 1.8.0 (newest first)')
    expect(offline.stdout).toContain('eighteen')
    expect(offline.stdout).toMatch(
      /1\.7\.1 \(.*\n\s+changelog unavailable: glm@1\.7\.1 is not in the cache and --offline forbids fetching it/,
    )
  })
})
