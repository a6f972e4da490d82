import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  fakeTemplate,
  runClient,
  sandbox,
  type Sandbox,
  startRegistry,
  type TestRegistry,
} from '../helpers/model-registry.js'

// Provider-less: retired-model warnings come from the registry's documents and local state only.
const URL_UNUSED = 'http://127.0.0.1:9'
let registry: TestRegistry
let sb: Sandbox
let regDir: string

const snapshot = async (name: string) => ({
  wrapper: await readFile(join(sb.dir, `bin/claude-${name}`), 'utf8'),
  overrides: await readFile(join(sb.dir, `.claude-${name}/overrides.json`), 'utf8').catch(() => null),
})

beforeAll(async () => {
  regDir = await mkdtemp(join(tmpdir(), 'cm-reg-'))
  registry = await startRegistry(regDir)
  // 1.0.0 already knows fake-1 is gone; 1.1.0 retires fake-2 (its own Sonnet) for fake-3.
  await registry.publish(fakeTemplate(URL_UNUSED, '1.0.0', { retired: { 'fake-1': 'fake-2' } }))
  sb = await sandbox(registry.url)
  const env = sb.env
  for (const [name, spec] of [
    ['pinned', 'fake@1.0.0'],
    ['floating', 'fake@^1.0.0'],
  ] as const) {
    const r = await runClient(['add', name, spec, '--api-key-env', 'FAKE_KEY'], env)
    expect(r.code, r.stderr).toBe(0)
  }
  // The user points Sonnet of the pinned instance at a model the locked version lists as retired.
  const o = await runClient(['override', 'pinned', 'sonnet=fake-1'], env)
  expect(o.code, o.stderr).toBe(0)
  await registry.publish(
    fakeTemplate(URL_UNUSED, '1.1.0', {
      models: {
        default: 'fake-3[1m]',
        fast: 'fake-2-mini',
        sonnet: 'fake-3',
        opus: 'fake-3[1m]',
        haiku: 'fake-2-mini',
      },
      retired: { 'fake-1': 'fake-2', 'fake-2': 'fake-3' },
    }),
  )
})

afterAll(async () => {
  await registry?.close()
  await sb?.cleanup()
  await rm(regDir, { recursive: true, force: true })
})

describe('retired models in outdated and sync', () => {
  const overrideWarning =
    'warning: pinned: sonnet uses fake-1 (your override), retired by the provider → fake-2; sync keeps your value, to switch run: claude-multi override pinned sonnet=fake-2'

  it('outdated flags the pinned instance’s override and the floating instance’s template values', async () => {
    const r = await runClient(['outdated', '--all'], sb.env)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/pinned\s+fake\s+1\.0\.0\s+1\.0\.0\s+1\.1\.0/)
    const warnings = r.stderr.split('\n').filter(Boolean)
    // pinned at 1.0.0: its locked (= wanted) version is what it knows, fake-1 → fake-2
    expect(warnings).toContain(overrideWarning)
    expect(warnings).toContain(
      'warning: floating: sonnet uses fake-2, retired by the provider → fake-3; `claude-multi sync floating` replaces it',
    )

    const json = JSON.parse((await runClient(['outdated', '--json'], sb.env)).stdout) as {
      retired: { instance: string; role: string; override: boolean; fixedBySync: boolean; suggestion?: string }[]
    }
    expect(json.retired).toContainEqual(
      expect.objectContaining({
        instance: 'pinned',
        role: 'sonnet',
        override: true,
        fixedBySync: false,
        suggestion: 'claude-multi override pinned sonnet=fake-2',
      }),
    )
  })

  it('sync --check reports it without writing; sync keeps the override and only suggests the command', async () => {
    const before = await snapshot('pinned')
    const check = await runClient(['sync', '--check'], sb.env)
    expect(check.code).toBe(100) // floating can move to 1.1.0
    expect(check.stderr).toContain(overrideWarning)
    expect(await snapshot('pinned')).toEqual(before)

    const pinnedOnly = await runClient(['sync', '--check', 'pinned'], sb.env)
    expect(pinnedOnly.code).toBe(0) // a warning, not an update: the user's choice stays theirs
    expect(pinnedOnly.stderr).toContain(overrideWarning)

    const sync = await runClient(['sync'], sb.env)
    expect(sync.code, sync.stderr).toBe(0)
    expect(sync.stderr).toContain(overrideWarning)
    expect(sync.stderr).not.toContain('floating: sonnet uses fake-2') // sync replaced it
    const after = await snapshot('pinned')
    expect(after).toEqual(before) // nothing rewritten behind the user's back
    expect(after.wrapper).toContain("export ANTHROPIC_DEFAULT_SONNET_MODEL='fake-1'")
    expect(JSON.parse(after.overrides!)).toEqual({ ANTHROPIC_DEFAULT_SONNET_MODEL: 'fake-1' })
    expect((await snapshot('floating')).wrapper).toContain("export ANTHROPIC_DEFAULT_SONNET_MODEL='fake-3'")

    const again = await runClient(['sync', '--check'], sb.env)
    expect(again.code).toBe(0)
    expect(again.stderr.split('\n').filter(Boolean)).toEqual([overrideWarning])
  })
})
