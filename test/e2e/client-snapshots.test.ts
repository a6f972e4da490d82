/**
 * The `outdated` table and the `sync` summary as a user sees them, pinned as snapshots (as taze
 * pins its table) against a small fixed catalogue (test/fixtures/snapshot-catalogue: alpha 1.0.0,
 * 1.1.0 with new models, 2.0.0 with a new endpoint; beta 1.0.0, 1.0.1 with a new timeout), so a
 * change of layout shows up in review. The real binary, no colour, the sandbox path replaced.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, type Sandbox, sandbox } from '../helpers/client.js'

describe('outdated and sync output (snapshots)', () => {
  let s: Sandbox
  const run = (...args: string[]) => {
    const r = s.cm(args)
    return { code: r.code, out: `${r.stdout}${r.stderr}`.replaceAll(s.dir, '<sandbox>') }
  }
  beforeAll(() => {
    s = sandbox(undefined, {
      CLAUDE_MULTI_BUNDLED_DIR: join(ROOT, 'test/fixtures/snapshot-catalogue'),
      NO_COLOR: '1',
      KEY: 'sk-test',
    })
    for (const [name, spec] of [
      ['work', 'alpha@1.0.0'],
      ['home', 'beta@1.0.0'],
      ['new', 'alpha'],
    ])
      expect(run('add', name!, spec!, '--api-key-env', 'KEY').code).toBe(0)
    expect(run('pin', 'work', '^1.0.0').code).toBe(0)
    expect(run('pin', 'home', '^1.0.0').code).toBe(0)
  })
  afterAll(() => s.cleanup())

  it('outdated: current, wanted within the range, latest', () => {
    const r = run('outdated', '--all')
    expect(r.code).toBe(0)
    expect(r.out).toMatchInlineSnapshot(`
      "Instance  Template  Current  Wanted  Latest  Registry
      home      beta      1.0.0    1.0.1   1.0.1   public
      new       alpha     2.0.0    2.0.0   2.0.0   public
      work      alpha     1.0.0    1.1.0   2.0.0   public
      "
    `)
  })

  it('sync --check: the status table and a last line that matches exit 100', () => {
    const r = run('sync', '--check')
    expect(r.code).toBe(100)
    expect(r.out).toMatchInlineSnapshot(`
      "Instance  Template  Version        Registry, range  Status
      work      alpha     1.0.0 → 1.1.0  public, ^1.0.0   update available
      home      beta      1.0.0 → 1.0.1  public, ^1.0.0   update available
      new       alpha     2.0.0          public, ^2.0.0   up to date
      2 would change, 1 up to date: run \`claude-multi sync\`
      "
    `)
  })

  it('sync: what changed per instance, with the changelog, then the summary; outdated agrees after', () => {
    const r = run('sync')
    expect(r.code).toBe(0)
    expect(r.out).toMatchInlineSnapshot(`
      "Instance  Template  Version        Registry, range  Status
      work      alpha     1.0.0 → 1.1.0  public, ^1.0.0   updated
      home      beta      1.0.0 → 1.0.1  public, ^1.0.0   updated
      new       alpha     2.0.0          public, ^2.0.0   up to date
      work: updated (alpha 1.0.0 → 1.1.0)
        default  m-1  →  m-2
        sonnet   m-1  →  m-2
        opus     m-1  →  m-2
        changes 1.0.0 → 1.1.0 (newest first)
          1.1.0 (2026-02-10)
            no changelog
      home: updated (beta 1.0.0 → 1.0.1)
        API_TIMEOUT_MS  3000000  →  6000000
        changes 1.0.0 → 1.0.1 (newest first)
          1.0.1 (2026-02-05)
            no changelog
      2 changed, 1 already current
      "
    `)
    expect(run('outdated', '--all').out).toMatchInlineSnapshot(`
      "Instance  Template  Current  Wanted  Latest  Registry
      home      beta      1.0.1    1.0.1   1.0.1   public
      new       alpha     2.0.0    2.0.0   2.0.0   public
      work      alpha     1.1.0    1.1.0   2.0.0   public
      "
    `)
  })
})
