import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { runCommand, type CommandDef } from 'citty'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { integrityOfText } from '../../shared/digest.js'
import { CliError, UsageError, ValidationError } from '../../shared/errors.js'
import { parseTemplateJson } from '../../shared/schema.js'
import type { Template } from '../../shared/types.js'
import { createApp } from '../../server/app.js'
import bump from '../../server/commands/bump.js'
import watch from '../../server/commands/watch.js'
import { diffModels, draftNextVersion, suggestReplacement } from '../../server/models/draft.js'
import { validateTemplate } from '../../shared/schema.js'
import { createFsStore } from '../../server/stores/fs.js'
import { hashToken } from '../../server/tokens.js'
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js'
import { ROOT } from '../helpers/model-registry.js'

const V1: Template = {
  id: 'glm',
  version: '1.0.0',
  name: 'Z.AI GLM',
  description: 'GLM through the Anthropic-compatible endpoint',
  homepage: 'https://z.ai',
  baseUrl: 'https://api.z.ai/api/anthropic',
  auth: 'ANTHROPIC_AUTH_TOKEN',
  models: { default: 'glm-4.6', fast: 'glm-4.5-air', sonnet: 'glm-4.6', opus: 'glm-4.6', haiku: 'glm-4.5-air' },
  env: { API_TIMEOUT_MS: '3000000' },
  inputs: [],
  changelog: 'glm-4.6',
}
const V2: Template = {
  ...V1,
  version: '1.1.0',
  models: { default: 'glm-5.1[1m]', fast: 'glm-5-turbo', sonnet: 'glm-5.1', opus: 'glm-5.1[1m]', haiku: 'glm-5-turbo' },
  env: { API_TIMEOUT_MS: '3000000', CLAUDE_CODE_SUBAGENT_MODEL: 'glm-5-turbo' },
  changelog: 'glm-5.1',
  deprecated: 'use a newer version',
  retired: { 'glm-4.6': 'glm-5.1', 'glm-4.5-air': 'glm-5-turbo' },
}

let dir: string
let provider: FakeProvider | undefined
let out: string[]

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cm-models-'))
  const store = createFsStore({ dir: join(dir, 'data') })
  for (const [i, doc] of [V1, V2].entries()) {
    const raw = `${JSON.stringify(doc, null, 2)}\n`
    await store.publish(doc.id, doc.version, raw, {
      publishedAt: `2026-0${i + 1}-01T00:00:00.000Z`,
      integrity: integrityOfText(raw),
    })
  }
  await store.close()
  out = []
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')))
})

afterEach(async () => {
  vi.restoreAllMocks()
  await provider?.close()
  provider = undefined
  await rm(dir, { recursive: true, force: true })
})

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const run = (cmd: CommandDef<any>, ...rawArgs: string[]) => runCommand(cmd, { rawArgs })
const readDoc = async (path: string) => {
  const parsed = parseTemplateJson(await readFile(path, 'utf8'))
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
  return parsed.template
}

describe('bump', () => {
  it('writes the next minor from the latest, validated, and moves latest (round trip)', async () => {
    await run(
      bump,
      'glm',
      '--set',
      'sonnet=glm-5.3',
      '--set',
      'API_TIMEOUT_MS=600000',
      '--set',
      'ANTHROPIC_DEFAULT_OPUS_MODEL=glm-5.3[1m]',
      '--retire',
      'glm-5.1=glm-5.3',
      '-m',
      'glm-5.3 for Sonnet and Opus',
      '--data',
      join(dir, 'data'),
    )
    expect(out[0]).toBe('glm 1.1.0 → 1.2.0 (minor: the model mapping changed)')
    expect(out).toContain('  models.sonnet: glm-5.1 → glm-5.3')
    const doc = await readDoc(join(dir, 'data/templates/glm/1.2.0.json'))
    expect(doc).toEqual({
      ...V2,
      version: '1.2.0',
      models: { ...V2.models, sonnet: 'glm-5.3', opus: 'glm-5.3[1m]' },
      env: { API_TIMEOUT_MS: '600000', CLAUDE_CODE_SUBAGENT_MODEL: 'glm-5-turbo' },
      changelog: 'glm-5.3 for Sonnet and Opus',
      retired: { ...V2.retired, 'glm-5.1': 'glm-5.3' },
      deprecated: undefined,
    })
    expect('deprecated' in doc).toBe(false)
    const text = await readFile(join(dir, 'data/templates/glm/1.2.0.json'), 'utf8')
    expect(text).toBe(`${JSON.stringify(doc, null, 2)}\n`)

    const store = createFsStore({ dir: join(dir, 'data') })
    const entry = await store.getEntry('glm')
    await store.close()
    expect(entry!['dist-tags'].latest).toBe('1.2.0')
    expect(entry!.versions['1.2.0']!.integrity).toBe(integrityOfText(text))

    // A model variable is part of the mapping: a patch may not drop it, and bump picks a minor.
    await expect(
      run(bump, 'glm', '--patch', '--unset', 'CLAUDE_CODE_SUBAGENT_MODEL', '--data', join(dir, 'data')),
    ).rejects.toThrow(/--patch is too small .*CLAUDE_CODE_SUBAGENT_MODEL.*need a minor/)
    await run(bump, 'glm', '--set', 'API_TIMEOUT_MS=900000', '--data', join(dir, 'data'))
    expect(out).toContain('glm 1.2.0 → 1.2.1 (patch)')
    await run(bump, 'glm', '--unset', 'CLAUDE_CODE_SUBAGENT_MODEL', '--data', join(dir, 'data'))
    const patch = await readDoc(join(dir, 'data/templates/glm/1.3.0.json'))
    expect(patch.env).toEqual({ API_TIMEOUT_MS: '900000' })
    expect(patch.changelog).toBe('env.CLAUDE_CODE_SUBAGENT_MODEL removed (was glm-5-turbo)')
    expect(patch.retired?.['glm-5.1']).toBe('glm-5.3') // not silently un-retired
    expect(out).toContain('  warning: default maps glm-5.1[1m], which this version lists as retired')
    await run(bump, 'glm', '--major', '--set', 'haiku=glm-5.3-air', '--data', join(dir, 'data'))
    expect((await readDoc(join(dir, 'data/templates/glm/2.0.0.json'))).models.haiku).toBe('glm-5.3-air')
  })

  it('--limit sets windows as a patch; a model no longer mapped loses its limits; a new one is named', async () => {
    const data = join(dir, 'data')
    await run(bump, 'glm', '--limit', 'glm-5.1=200000:128000', '--limit', 'glm-5-turbo[1m]=200000', '--data', data)
    expect(out[0]).toBe('glm 1.1.0 → 1.1.1 (patch)')
    expect(out).toContain('  limits.glm-5.1 = 200000:128000')
    const patch = await readDoc(join(data, 'templates/glm/1.1.1.json'))
    expect(patch.limits).toEqual({
      'glm-5-turbo': { context: 200_000 },
      'glm-5.1': { context: 200_000, output: 128_000 },
    })

    out.length = 0
    await run(
      bump,
      'glm',
      '--set',
      'sonnet=glm-5.3',
      '--set',
      'default=glm-5.3',
      '--set',
      'opus=glm-5.3',
      '--data',
      data,
    )
    expect(out[0]).toMatch(/^glm 1.1.1 → 1.2.0 \(minor/)
    expect(out).toContain('  limits.glm-5.1 removed (was 200000:128000)')
    expect(out).toContain('  warning: glm-5.3 has no limits; add them with --limit glm-5.3=<context>[:<output>]')
    expect((await readDoc(join(data, 'templates/glm/1.2.0.json'))).limits).toEqual({
      'glm-5-turbo': { context: 200_000 },
    })

    for (const bad of ['glm-5.3=lots', 'glm-5.3=0', 'glm-5.3=100:200', 'glm-5.3=20000000'])
      await expect(run(bump, 'glm', '--limit', bad, '--data', data)).rejects.toThrow(
        /is not MODEL=CONTEXT\[:OUTPUT\] in tokens/,
      )
    await expect(run(bump, 'glm', '--limit', 'nobody=1000', '--data', data)).rejects.toThrow(
      /limits.nobody: is not a model this version maps/,
    )
  })

  it('mapping a retired model again takes it off the retired list', async () => {
    await run(bump, 'glm', '--set', 'haiku=glm-4.5-air', '--data', join(dir, 'data'))
    expect((await readDoc(join(dir, 'data/templates/glm/1.2.0.json'))).retired).toEqual({ 'glm-4.6': 'glm-5.1' })
  })

  it('refuses bad input and writes nothing', async () => {
    const data = join(dir, 'data')
    await expect(run(bump, 'glm', '--set', 'ANTHROPIC_BASE_URL=http://evil.example', '--data', data)).rejects.toThrow(
      ValidationError,
    )
    await expect(run(bump, 'glm', '--set', 'ANTHROPIC_BASE_URL=http://evil.example', '--data', data)).rejects.toThrow(
      /baseUrl: must use https/,
    )
    await expect(run(bump, 'glm', '--set', 'nonsense=x', '--data', data)).rejects.toThrow(UsageError)
    // The issue's attack: a new endpoint proposed as a minor. bump now asks for the major it is.
    await expect(
      run(bump, 'glm', '--minor', '--set', 'ANTHROPIC_BASE_URL=https://evil.example', '--data', data),
    ).rejects.toThrow(/--minor is too small .*baseUrl: .* → https:\/\/evil\.example.*need a major/)
    await expect(run(bump, 'glm', '--set', 'GIT_CONFIG_COUNT=1', '--data', data)).rejects.toThrow(
      /env\.GIT_CONFIG_COUNT: is not on the allowlist/,
    )
    await expect(run(bump, 'glm', '--data', data)).rejects.toThrow(/nothing to bump/)
    await expect(run(bump, 'glm', '--major', '--minor', '-m', 'x', '--data', data)).rejects.toThrow(/choose one of/)
    await expect(run(bump, 'nope', '-m', 'x', '--data', data)).rejects.toThrow(/no template "nope"/)
    await run(bump, 'glm', '--set', 'sonnet=glm-5.3', '--dry-run', '--data', data)
    expect(await readdir(join(data, 'templates/glm'))).toEqual(['1.0.0.json', '1.1.0.json', 'meta.json'])
  })
})

describe('watch drafts and limits', () => {
  it("drops a gone model's limits and asks for its replacement's", () => {
    const latest: Template = {
      ...V2,
      deprecated: undefined,
      limits: { 'glm-5.1': { context: 200_000 }, 'glm-5-turbo': { context: 200_000, output: 128_000 } },
    }
    delete latest.deprecated
    const draft = draftNextVersion(latest, diffModels(latest, [V1], ['glm-5-turbo', 'glm-5.3']), {
      date: '2026-12-01',
      source: 'test',
    })
    expect(draft.models.sonnet).toBe('glm-5.3')
    expect(draft.limits).toEqual({ 'glm-5-turbo': { context: 200_000, output: 128_000 } })
    expect(draft.changelog).toContain(
      'Limits: glm-5.3 has no limits; add them with --limit glm-5.3=<context>[:<output>].',
    )
    expect(validateTemplate(draft).ok).toBe(true)
  })
})

describe('watch', () => {
  const LISTED = ['glm-4.6', 'glm-5-turbo', 'glm-5.2', 'glm-5.3', 'glm-5.3-flash']

  it('drafts the next minor: gone models retired with a replacement, new ones in the changelog', async () => {
    provider = await startFakeProvider({
      models: LISTED,
      auth: 'bearer',
      key: 'zai-key',
      pageSize: 2,
      basePath: '/api/anthropic',
    })
    process.env.TEST_ZAI_KEY = 'zai-key'
    const drafts = join(dir, 'drafts')
    const args = [
      'glm',
      '--key-env',
      'TEST_ZAI_KEY',
      '--provider-url',
      `glm=${provider.url}`,
      '--drafts',
      drafts,
      '--data',
      join(dir, 'data'),
    ]
    await run(watch, ...args)
    expect(out[0]).toBe(
      'glm 1.1.0: 3 new: glm-5.2, glm-5.3, glm-5.3-flash; gone: glm-5.1 (default, sonnet, opus) → glm-5.3 (retired but still listed: glm-4.6)',
    )
    expect(out[1]).toMatch(/draft: .*drafts\/glm\/1\.2\.0\.json$/)
    expect(provider.requests[0]!.headers.authorization).toBe('Bearer zai-key')

    const draft = await readDoc(join(drafts, 'glm/1.2.0.json')) // passes validation
    expect(draft.version).toBe('1.2.0')
    expect(draft.models).toEqual({
      default: 'glm-5.3[1m]',
      fast: 'glm-5-turbo',
      sonnet: 'glm-5.3',
      opus: 'glm-5.3[1m]',
      haiku: 'glm-5-turbo',
    })
    expect(draft.retired).toEqual({
      'glm-4.6': 'glm-5.3',
      'glm-4.5-air': 'glm-5-turbo',
      'glm-5.1': 'glm-5.3',
      'glm-5.1[1m]': 'glm-5.3[1m]',
    })
    expect(draft.changelog).toContain('New models listed by the provider: glm-5.2, glm-5.3, glm-5.3-flash.')
    expect(draft.changelog).toContain('No longer listed: glm-5.1 (used by default, sonnet, opus)')
    expect('deprecated' in draft).toBe(false)
    // the catalogue itself is untouched: a draft is for review
    expect(await readdir(join(dir, 'data/templates/glm'))).toEqual(['1.0.0.json', '1.1.0.json', 'meta.json'])

    // a second run reports only what is new since the first
    out.length = 0
    await run(watch, ...args)
    expect(out[0]).toBe(
      'glm 1.1.0: gone: glm-5.1 (default, sonnet, opus) → glm-5.3 (retired but still listed: glm-4.6)',
    )
    delete process.env.TEST_ZAI_KEY
  })

  it('up to date → no draft; provider trouble → one line each and a failing exit', async () => {
    provider = await startFakeProvider({ models: ['glm-5.1', 'glm-5-turbo'], key: 'k' })
    process.env.TEST_ZAI_KEY = 'k'
    const base = [
      '--key-env',
      'glm=TEST_ZAI_KEY',
      '--provider-url',
      `glm=${provider.url}`,
      '--drafts',
      join(dir, 'drafts'),
      '--data',
      join(dir, 'data'),
    ]
    await run(watch, ...base)
    expect(out).toEqual(['glm 1.1.0: up to date (2 models listed)'])
    expect(await readdir(join(dir, 'drafts/glm'))).toEqual(['seen.json'])

    out.length = 0
    provider.set({ mode: 'unauthorized' })
    await expect(run(watch, ...base)).rejects.toThrow(CliError)
    expect(out).toEqual(['glm: the key was rejected (HTTP 401: invalid x-api-key)'])
    out.length = 0
    provider.set({ mode: 'no-models' })
    await expect(run(watch, ...base)).rejects.toThrow('1 of 1 templates could not be checked: glm')
    expect(out).toEqual(['glm: the provider has no model list (GET /v1/models: HTTP 404)'])
    out.length = 0
    delete process.env.TEST_ZAI_KEY
    await run(watch, ...base) // over all templates: no key → skipped
    expect(out).toEqual(['glm: skipped, $TEST_ZAI_KEY is not set'])
    out.length = 0
    await expect(run(watch, 'glm', ...base)).rejects.toThrow('could not be checked: glm') // named: must be checked
    expect(out).toEqual(['glm: failed, $TEST_ZAI_KEY is not set'])
  })

  it('--publish puts the draft into a real registry with a token', async () => {
    provider = await startFakeProvider({ models: ['glm-5-turbo', 'glm-5.3'], key: 'k' })
    const registryStore = createFsStore({ dir: join(dir, 'data') })
    await registryStore.addToken({
      id: 'tok_1',
      name: 'ci',
      hash: hashToken('cmr_secret'),
      scopes: ['glm'],
      readOnly: false,
      createdAt: new Date().toISOString(),
    })
    const server = await new Promise<ServerType>((resolve) => {
      const s = serve(
        { fetch: createApp({ store: registryStore, web: false }).fetch, port: 0, hostname: '127.0.0.1' },
        () => resolve(s),
      )
    })
    const registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    process.env.TEST_ZAI_KEY = 'k'
    process.env.TEST_PUBLISH_TOKEN = 'cmr_secret'
    try {
      await run(
        watch,
        'glm',
        '--key-env',
        'TEST_ZAI_KEY',
        '--provider-url',
        `glm=${provider.url}`,
        '--drafts',
        join(dir, 'drafts'),
        '--data',
        join(dir, 'data'),
        '--publish',
        '--registry',
        registry,
        '--token-env',
        'TEST_PUBLISH_TOKEN',
      )
      expect(out.at(-1)).toBe(`  published: ${registry}/v1/templates/glm/1.2.0`)
      const res = await fetch(`${registry}/v1/templates/glm/1.2.0.json`)
      expect(res.status).toBe(200)
      expect(await res.text()).toBe(await readFile(join(dir, 'drafts/glm/1.2.0.json'), 'utf8'))
    } finally {
      delete process.env.TEST_ZAI_KEY
      delete process.env.TEST_PUBLISH_TOKEN
      await new Promise((r) => server.close(r))
      await registryStore.close()
    }
  })
})

describe('suggestReplacement', () => {
  it('prefers the newest of the same family, then the same name prefix', () => {
    const listed = [
      'glm-5-turbo',
      'glm-5.2',
      'glm-5.3',
      'glm-5.10',
      'glm-5.3-flash',
      'MiniMax-M3',
      'MiniMax-M3.1-Flash',
    ]
    expect(suggestReplacement('glm-5.1', listed)).toBe('glm-5.10')
    expect(suggestReplacement('glm-5.1-flash[1m]', listed)).toBe('glm-5.3-flash')
    expect(suggestReplacement('MiniMax-M2.7', listed)).toBe('MiniMax-M3')
    expect(suggestReplacement('deepseek-v3', listed)).toBeNull()
  })
})

describe('the real claude-multi-registry binary', () => {
  it('bump and watch are wired as subcommands; errors are one line with the usage exit code', async () => {
    const { execFile } = await import('node:child_process')
    const bin = join(ROOT, 'dist/server/cli.js')
    // Async: the fake provider answers from this very process, so the event loop must keep running.
    const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [bin, ...args],
          { encoding: 'utf8', env: { PATH: process.env.PATH, NO_COLOR: '1', ...env } },
          (err, stdout, stderr) =>
            resolve({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        )
      })
    const data = join(dir, 'data')
    const bumped = await run([
      'bump',
      'glm',
      '--set',
      'sonnet=glm-5.3',
      '--set',
      'opus=glm-5.3',
      '-m',
      'glm-5.3',
      '--data',
      data,
    ])
    expect(bumped.stderr).toBe('')
    expect(bumped.stdout).toContain('glm 1.1.0 → 1.2.0')
    expect(bumped.status).toBe(0)
    expect((await readDoc(join(data, 'templates/glm/1.2.0.json'))).models.sonnet).toBe('glm-5.3')

    const bad = await run(['bump', 'glm', '--set', 'sonnet', '--data', data])
    expect(bad.status).toBe(2)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    expect(bad.stderr).toContain('--set "sonnet" is not NAME=value')

    provider = await startFakeProvider({ models: ['glm-5-turbo', 'glm-5.3', 'glm-6'], key: 'k' })
    const watched = await run(
      [
        'watch',
        '--key-env',
        'ZK',
        '--provider-url',
        `glm=${provider.url}`,
        '--drafts',
        join(dir, 'drafts'),
        '--data',
        data,
      ],
      { ZK: 'k' },
    )
    expect(watched.stderr).toBe('')
    expect(watched.stdout).toContain('glm 1.2.0: 1 new: glm-6; gone: glm-5.1 (default) → glm-6')
    expect(watched.status).toBe(0)
    const draft = await readDoc(join(dir, 'drafts/glm/1.3.0.json'))
    expect(draft.models.default).toBe('glm-6[1m]')
  })
})
