import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkModels, exitCodeOf } from '../../client/models/check.js'
import { renderModelsReport } from '../../client/models/render.js'
import { loadModelTargets } from '../../client/models/targets.js'
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js'
import {
  fakeTemplate,
  runClient,
  sandbox,
  startRegistry,
  type Sandbox,
  type TestRegistry,
} from '../helpers/model-registry.js'

const KEY = 'sk-test-FAKE'
let provider: FakeProvider
let registry: TestRegistry
let sb: Sandbox
let regDir: string

beforeAll(async () => {
  provider = await startFakeProvider({ models: ['fake-2', 'fake-2-mini', 'fake-1'], auth: 'bearer', key: KEY })
  regDir = await mkdtemp(join(tmpdir(), 'cm-reg-'))
  registry = await startRegistry(regDir)
  await registry.publish(fakeTemplate(provider.url, '1.0.0'))
  sb = await sandbox(registry.url)
  const added = await runClient(['add', 'work', 'fake', '--api-key-stdin'], sb.env, `${KEY}\n`)
  expect(added.stderr).toBe('')
  expect(added.code).toBe(0)
  const viaEnv = await runClient(['add', 'envkey', 'fake', '--api-key-env', 'FAKE_KEY'], sb.env)
  expect(viaEnv.code).toBe(0)
})

afterAll(async () => {
  await provider?.close()
  await registry?.close()
  await sb?.cleanup()
  await rm(regDir, { recursive: true, force: true })
})

describe('doctor --models on instances made by `claude-multi add`', () => {
  it('reads the wrapper env and the 0600 key file; all served → 0', async () => {
    const targets = await loadModelTargets(['work'], sb.env)
    expect(targets[0]).toMatchObject({
      name: 'work',
      source: 'fake@1.0.0 from public',
      authVar: 'ANTHROPIC_AUTH_TOKEN',
      key: KEY,
    })
    expect(targets[0]!.env.ANTHROPIC_BASE_URL).toBe(provider.url)
    const report = await checkModels(targets)
    expect(report.instances[0]!.rows.map((r) => `${r.role}:${r.status}`)).toEqual([
      'default:served',
      'fast:served',
      'sonnet:served',
      'opus:served',
      'haiku:served',
    ])
    expect(exitCodeOf(report)).toBe(0)
  })

  it('a key kept in $VAR: read from the environment, and a clear line when unset', async () => {
    const unset = (await loadModelTargets(['envkey'], sb.env))[0]!
    expect(unset).toMatchObject({ key: null, keyProblem: '$FAKE_KEY is not set' })
    const set = (await loadModelTargets(['envkey'], { ...sb.env, FAKE_KEY: KEY }))[0]!
    expect(set.key).toBe(KEY)
    expect((await checkModels([set])).ok).toBe(true)
  })

  it('a user override to a stale model (edited in the wrapper) → exit 1 naming the role', async () => {
    const wrapper = join(sb.dir, 'bin/claude-work')
    const original = await readFile(wrapper, 'utf8')
    try {
      await writeFile(
        wrapper,
        original.replace("ANTHROPIC_DEFAULT_SONNET_MODEL='fake-2'", "ANTHROPIC_DEFAULT_SONNET_MODEL='fake-0'"),
      )
      const report = await checkModels(await loadModelTargets(['work'], sb.env))
      expect(report.instances[0]!.rows.filter((r) => r.status !== 'served').map((r) => r.role)).toEqual(['sonnet'])
      expect(renderModelsReport(report)).toContain('Problems: work: sonnet (fake-0) not served.')
      expect(exitCodeOf(report)).toBe(1)
    } finally {
      await writeFile(wrapper, original)
    }
  })

  it('settings.json env wins over the wrapper (Claude Code 2.x), and says so', async () => {
    const settings = join(sb.dir, '.claude-work/settings.json')
    await writeFile(
      settings,
      JSON.stringify({ env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: 'fake-9', ANTHROPIC_AUTH_TOKEN: 'stale-key' } }),
    )
    try {
      const [target] = await loadModelTargets(['work'], sb.env)
      expect(target!.env.ANTHROPIC_DEFAULT_HAIKU_MODEL).toBe('fake-9')
      expect(target!.key).toBe('stale-key') // what Claude Code would send
      const report = await checkModels([target!])
      const text = renderModelsReport(report)
      expect(text).toContain(`${settings} sets ANTHROPIC_DEFAULT_HAIKU_MODEL=fake-9, which wins over the wrapper`)
      expect(text).toContain(`${settings} sets ANTHROPIC_AUTH_TOKEN, which wins over the wrapper's key`)
      expect(text).toContain('the key was rejected')
      expect(text).not.toContain('stale-key')
      await writeFile(settings, JSON.stringify({ env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: 'fake-9' } }))
      expect(renderModelsReport(await checkModels(await loadModelTargets(['work'], sb.env)))).toMatch(
        /haiku\s+fake-9\s+NOT SERVED/,
      )
    } finally {
      await rm(settings)
    }
  })

  it('an unknown instance name is one clear error; a deleted wrapper is reported, not thrown', async () => {
    await expect(loadModelTargets(['nope'], sb.env)).rejects.toThrow('unknown instance "nope" (known: work, envkey)')
    const wrapper = join(sb.dir, 'bin/claude-envkey')
    const text = await readFile(wrapper, 'utf8')
    await rm(wrapper)
    try {
      const report = await checkModels(await loadModelTargets([], { ...sb.env, FAKE_KEY: KEY }))
      expect(report.instances.map((i) => [i.name, i.ok])).toEqual([
        ['work', true],
        ['envkey', false],
      ])
      expect(report.instances[1]!.error?.message).toContain(`${wrapper} does not exist`)
    } finally {
      await writeFile(wrapper, text, { mode: 0o755 })
    }
  })

  it('end to end: the real `claude-multi doctor --models` binary', async () => {
    const ok = await runClient(['doctor', '--models', 'work'], sb.env)
    expect(ok.stderr).toBe('')
    expect(ok.stdout).toMatch(/^work \(fake@1\.0\.0 from public\) → http:\/\/127\.0\.0\.1:\d+, 3 models listed\n/)
    expect(ok.stdout).toMatch(/sonnet\s+fake-2\s+served/)
    expect(ok.stdout).toContain('All mapped models are served (1 instance).')
    expect(ok.code).toBe(0)

    const json = await runClient(['doctor', '--models', '--json', 'work', 'envkey'], { ...sb.env, FAKE_KEY: KEY })
    expect(json.code).toBe(0)
    const report = JSON.parse(json.stdout) as { ok: boolean; instances: { name: string; ok: boolean }[] }
    expect(report.instances.map((i) => [i.name, i.ok])).toEqual([
      ['work', true],
      ['envkey', true],
    ])
    expect(json.stdout).not.toContain(KEY)

    provider.set({ mode: 'unauthorized' })
    try {
      const rejected = await runClient(['doctor', '--models', 'work'], sb.env)
      expect(rejected.code).toBe(1)
      expect(rejected.stdout).toContain('✖ the key was rejected (HTTP 401: invalid x-api-key)')
      expect(rejected.stdout + rejected.stderr).not.toMatch(/\n\s+at /)
      provider.set({ mode: 'slow', slowMs: 10_000 })
      const slow = await runClient(['doctor', '--models', 'work', '--timeout', '0.3'], sb.env)
      expect(slow.code).toBe(1)
      expect(slow.stdout).toContain(
        `✖ no answer from ${new URL(provider.url).host} within 0.3 s (raise it with --timeout)`,
      )
      provider.set({ mode: 'no-models' })
      const unknown = await runClient(['doctor', '--models', 'work'], sb.env)
      expect(unknown.code).toBe(1)
      expect(unknown.stdout).toContain('hint: run with --probe')
      const probed = await runClient(['doctor', '--models', 'work', '--probe'], sb.env)
      expect(probed.stdout).toMatch(/sonnet\s+fake-2\s+served \(probe\)/)
      expect(probed.code).toBe(0)
    } finally {
      provider.set({ mode: 'ok' })
    }

    const bad = await runClient(['doctor', '--models', 'nope'], sb.env)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toBe(
      'claude-multi: unknown instance "nope" (known: work, envkey) (run `claude-multi list` to see your instances)\n',
    )
    const badTimeout = await runClient(['doctor', '--models', '--timeout', 'soon'], sb.env)
    expect(badTimeout.code).toBe(2)
    expect(badTimeout.stderr).toContain('--timeout soon is not a number of seconds')
  })

  it('older claude-multi layout (settings.json env, key inside): checked before and after `adopt`', async () => {
    const configDir = join(sb.dir, '.claude-old')
    const configPath = join(sb.dir, '.claude-multi/config.json')
    const config = JSON.parse(await readFile(configPath, 'utf8')) as { instances: unknown[] }
    config.instances.push({
      name: 'old',
      configDir,
      binaryPath: join(sb.dir, 'bin/claude-old'),
      providerTemplate: 'fake',
    })
    await writeFile(configPath, JSON.stringify(config, null, 2))
    const { mkdir } = await import('node:fs/promises')
    await mkdir(configDir, { recursive: true })
    await writeFile(
      join(configDir, 'settings.json'),
      JSON.stringify(
        {
          env: {
            ANTHROPIC_AUTH_TOKEN: KEY,
            ANTHROPIC_BASE_URL: provider.url,
            ANTHROPIC_MODEL: 'fake-2',
            ANTHROPIC_SMALL_FAST_MODEL: 'fake-2-mini',
            ANTHROPIC_DEFAULT_SONNET_MODEL: 'fake-1',
            ANTHROPIC_DEFAULT_OPUS_MODEL: 'fake-0',
            ANTHROPIC_DEFAULT_HAIKU_MODEL: 'fake-2-mini',
          },
          includeCoAuthoredBy: false,
        },
        null,
        2,
      ),
    )

    const before = await checkModels(await loadModelTargets(['old'], sb.env))
    expect(before.instances[0]).toMatchObject({ name: 'old', source: 'not managed, fake' })
    expect(before.instances[0]!.rows.filter((r) => r.status === 'not-served').map((r) => r.role)).toEqual(['opus'])
    expect(provider.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`)

    const adopted = await runClient(['adopt', 'old'], sb.env)
    expect(adopted.code, adopted.stderr).toBe(0)
    const after = await runClient(['doctor', '--models', 'old'], sb.env)
    expect(after.code).toBe(1)
    expect(after.stdout).toMatch(/^old \(fake@1\.0\.0 from public\)/)
    expect(after.stdout).toMatch(/opus\s+fake-0\s+NOT SERVED/)
    expect(after.stdout).not.toContain(KEY)
  })
})
