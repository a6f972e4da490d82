/**
 * `claude-multi-registry watch`: drafts from what a provider lists (gone models retired with a
 * replacement, new ones announced, limits), published with a token on request.
 */
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { CliError } from '../../shared/errors.js'
import type { Template } from '../../shared/types.js'
import { createApp } from '../../server/app.js'
import watch from '../../server/commands/watch.js'
import { diffModels, draftNextVersion, suggestReplacement } from '../../server/models/draft.js'
import { validateTemplate } from '../../shared/schema.js'
import { createFsStore } from '../../server/stores/fs.js'
import { hashToken } from '../../server/tokens.js'
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js'
import { dir, out, readDoc, run, useGlmRegistry, V1, V2 } from '../helpers/registry-tools.js'

let provider: FakeProvider | undefined

useGlmRegistry()
afterEach(async () => {
  await provider?.close()
  provider = undefined
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
