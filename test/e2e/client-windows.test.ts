import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { derive, sandbox, startRegistry, type Registry, type Sandbox } from '../helpers/client.js'

/**
 * A version that only adds or changes windows reaches instances like a new model does: shown by
 * outdated --long, diff and sync --check, written by sync, and never over the user's own value.
 */
describe('context windows through the client', () => {
  let reg: Registry
  let sb: Sandbox
  beforeAll(async () => {
    reg = await startRegistry()
    sb = sandbox(reg.url, { CLAUDE_MULTI_TOKEN: reg.token })
  })
  afterAll(async () => {
    await reg?.stop()
    sb?.cleanup()
  })

  const publish = (version: string, change: (d: Record<string, any>) => void) => {
    const file = join(sb.dir, `glm-${version}.json`)
    writeFileSync(file, derive('glm', '1.5.1', version, change))
    const r = sb.cm(['publish', file])
    expect(r.code, r.stderr).toBe(0)
  }

  it('shows a new window in outdated --long, diff and sync --check, and sync writes it', () => {
    expect(sb.cm(['add', 'work', 'glm@^1.5.0', '--api-key-stdin'], { input: 'sk-test-FAKE\n' }).code).toBe(0)
    // Start on 1.5.0, the last version without limits.
    const lock = JSON.parse(readFileSync(join(sb.home, 'claude-multi.lock'), 'utf8'))
    expect(lock.instances.work.version).toBe('1.5.1')
    expect(sb.cm(['pin', 'work', '1.5.0']).code).toBe(0)
    expect(sb.cm(['sync', 'work']).code).toBe(0)
    expect(sb.runWrapper('work').CLAUDE_CODE_AUTO_COMPACT_WINDOW).toBeUndefined()
    expect(sb.cm(['pin', 'work', '^1.5.0']).code).toBe(0)

    const long = sb.cm(['outdated', '--long'])
    expect(long.code).toBe(0)
    expect(long.stdout).toMatch(/^work\s+glm\s+1\.5\.0\s+1\.5\.1\s+1\.5\.1\s+public$/m)
    expect(long.stdout).toMatch(
      /work: update available \(glm 1\.5\.0 → 1\.5\.1\)\n\s+CLAUDE_CODE_AUTO_COMPACT_WINDOW\s+\(unset\)\s+→\s+1000000/,
    )
    const json = JSON.parse(sb.cm(['outdated', '--long', '--json']).stdout)
    expect(json.instances[0].changes).toEqual([{ key: 'CLAUDE_CODE_AUTO_COMPACT_WINDOW', to: '1000000' }])
    // Without --long the table stays index-only and shows no changes.
    expect(sb.cm(['outdated']).stdout).not.toContain('CLAUDE_CODE_AUTO_COMPACT_WINDOW')

    const diff = JSON.parse(sb.cm(['diff', 'work', '--json']).stdout)
    expect(diff.variables.find((v: { key: string }) => v.key === 'CLAUDE_CODE_AUTO_COMPACT_WINDOW')).toEqual({
      key: 'CLAUDE_CODE_AUTO_COMPACT_WINDOW',
      next: '1000000',
      status: 'added',
    })
    expect(sb.cm(['sync', '--check']).code).toBe(100)
    expect(sb.cm(['sync', '--dry-run']).stdout).toMatch(/CLAUDE_CODE_AUTO_COMPACT_WINDOW\s+\(unset\)\s+→\s+1000000/)

    expect(sb.cm(['sync']).code).toBe(0)
    expect(sb.runWrapper('work')).toMatchObject({
      CLAUDE_CODE_AUTO_COMPACT_WINDOW: '1000000',
      ANTHROPIC_MODEL: 'glm-5.3[1m]',
    })
    expect(sb.cm(['sync', '--check']).code).toBe(0)
  })

  it('a changed window is an update; a smaller model lowers it; an output cap below 32,000 is added', () => {
    publish('1.5.2', (d) => {
      d.limits['glm-5.3-flash'] = { context: 400_000, output: 16_000 }
      d.changelog = 'glm-5.3-flash: 400K window, 16K output'
    })
    expect(sb.cm(['sync', '--check', 'work']).code).toBe(100)
    const dry = sb.cm(['sync', '--dry-run', 'work'])
    expect(dry.stdout).toMatch(/CLAUDE_CODE_AUTO_COMPACT_WINDOW\s+1000000\s+→\s+400000/)
    expect(dry.stdout).toMatch(/CLAUDE_CODE_MAX_OUTPUT_TOKENS\s+\(unset\)\s+→\s+16000/)
    expect(sb.cm(['sync', 'work']).code).toBe(0)
    expect(sb.runWrapper('work')).toMatchObject({
      CLAUDE_CODE_AUTO_COMPACT_WINDOW: '400000',
      CLAUDE_CODE_MAX_OUTPUT_TOKENS: '16000',
    })
  })

  it("keeps the user's own window (override or hand edit) when a new version moves it", () => {
    expect(sb.cm(['override', 'work', 'CLAUDE_CODE_AUTO_COMPACT_WINDOW=150000']).code).toBe(0)
    expect(sb.runWrapper('work').CLAUDE_CODE_AUTO_COMPACT_WINDOW).toBe('150000')
    const wrapper = join(sb.bin, 'claude-work')
    writeFileSync(
      wrapper,
      readFileSync(wrapper, 'utf8').replace(
        /export CLAUDE_CODE_MAX_OUTPUT_TOKENS=.*\n/,
        "export CLAUDE_CODE_MAX_OUTPUT_TOKENS='12000'\n",
      ),
    )
    publish('1.5.3', (d) => {
      d.limits['glm-5.3-flash'] = { context: 600_000, output: 20_000 }
      d.changelog = 'glm-5.3-flash: 600K window, 20K output'
    })
    const long = sb.cm(['outdated', '--long'])
    // Both sides moved it: a conflict, and yours stays (as for a model you chose).
    expect(long.stdout).toMatch(
      /CLAUDE_CODE_AUTO_COMPACT_WINDOW\s+150000\s+conflict\s+upstream 600000 \(was 400000\); kept yours/,
    )
    expect(long.stdout).toMatch(
      /CLAUDE_CODE_MAX_OUTPUT_TOKENS\s+12000\s+conflict\s+upstream 20000 \(was 16000\); kept yours/,
    )
    expect(sb.cm(['sync', 'work']).code).toBe(0)
    expect(sb.runWrapper('work')).toMatchObject({
      CLAUDE_CODE_AUTO_COMPACT_WINDOW: '150000',
      CLAUDE_CODE_MAX_OUTPUT_TOKENS: '12000',
    })
  })
})
