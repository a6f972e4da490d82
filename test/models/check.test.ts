import { afterEach, describe, expect, it } from 'vitest'
import { checkModels, exitCodeOf } from '../../client/models/check.js'
import { renderModelsReport } from '../../client/models/render.js'
import type { ModelCheckTarget } from '../../client/models/types.js'
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js'

const KEY = 'sk-test-FAKE'
let provider: FakeProvider | undefined

afterEach(async () => {
  await provider?.close()
  provider = undefined
})

function target(
  url: string,
  env: Record<string, string> = {},
  extra: Partial<ModelCheckTarget> = {},
): ModelCheckTarget {
  return {
    name: 'work',
    source: 'glm@2.1.0 from public',
    authVar: 'ANTHROPIC_AUTH_TOKEN',
    key: KEY,
    env: {
      ANTHROPIC_BASE_URL: url,
      ANTHROPIC_MODEL: 'glm-5.3[1m]',
      ANTHROPIC_SMALL_FAST_MODEL: 'glm-5-turbo',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'glm-5.3-flash[1m]',
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'glm-5.3[1m]',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'glm-5-turbo',
      API_TIMEOUT_MS: '3000000',
      ...env,
    },
    ...extra,
  }
}

const SERVED = ['glm-4.7', 'glm-5-turbo', 'glm-5.1', 'glm-5.3', 'glm-5.3-flash']

describe('doctor --models against a fake provider', () => {
  it('all served → exit 0, [1m] stripped, Bearer + anthropic-version sent, pages followed', async () => {
    provider = await startFakeProvider({ models: SERVED, auth: 'bearer', pageSize: 2, basePath: '/api/anthropic' })
    const report = await checkModels([target(provider.url)])
    expect(report.instances[0]!.error).toBeUndefined()
    expect(report.instances[0]!.rows.map((r) => r.status)).toEqual(Array(5).fill('served'))
    expect(report.instances[0]!.listed).toBe(SERVED.length)
    expect(exitCodeOf(report)).toBe(0)
    const first = provider.requests[0]!
    expect(first.path).toBe('/api/anthropic/v1/models')
    expect(first.headers.authorization).toBe(`Bearer ${KEY}`)
    expect(first.headers['x-api-key']).toBeUndefined()
    expect(first.headers['anthropic-version']).toBe('2023-06-01')
    expect(provider.requests.map((r) => r.path)).toContain('/api/anthropic/v1/models?after_id=glm-5-turbo')
    expect(provider.requests.every((r) => r.method === 'GET')).toBe(true) // the list costs nothing
    expect(renderModelsReport(report)).toContain('All mapped models are served (1 instance).')
  })

  it('ANTHROPIC_API_KEY is sent as x-api-key', async () => {
    provider = await startFakeProvider({ models: SERVED, auth: 'x-api-key' })
    const report = await checkModels([target(provider.url, {}, { authVar: 'ANTHROPIC_API_KEY' })])
    expect(report.ok).toBe(true)
    expect(provider.requests[0]!.headers['x-api-key']).toBe(KEY)
    expect(provider.requests[0]!.headers.authorization).toBeUndefined()
  })

  it('one stale role → exit 1 with that role named', async () => {
    provider = await startFakeProvider({ models: SERVED })
    const report = await checkModels([target(provider.url, { ANTHROPIC_DEFAULT_SONNET_MODEL: 'glm-5.2' })])
    expect(exitCodeOf(report)).toBe(1)
    const rows = report.instances[0]!.rows
    expect(rows.filter((r) => r.status === 'not-served').map((r) => r.role)).toEqual(['sonnet'])
    const text = renderModelsReport(report)
    expect(text).toMatch(/sonnet\s+glm-5\.2\s+NOT SERVED/)
    expect(text).toContain('sonnet (glm-5.2) not served')
    expect(text).toContain('claude-multi override work sonnet=<model>')
  })

  it('no /v1/models → unknown with a --probe hint, exit 1; --probe settles it with one message per model', async () => {
    provider = await startFakeProvider({ models: SERVED, mode: 'no-models' })
    const stale = { ANTHROPIC_DEFAULT_OPUS_MODEL: 'glm-5.2[1m]' }
    const report = await checkModels([target(provider.url, stale)])
    expect(report.instances[0]!.rows.every((r) => r.status === 'unknown')).toBe(true)
    expect(report.instances[0]!.hint).toContain('--probe')
    expect(renderModelsReport(report)).toContain('! the provider has no model list (GET /v1/models)')
    expect(exitCodeOf(report)).toBe(1)
    expect(provider.requests.some((r) => r.method === 'POST')).toBe(false)

    provider.requests.length = 0
    const probed = await checkModels([target(provider.url, stale)], { probe: true })
    const posts = provider.requests.filter((r) => r.method === 'POST')
    // four distinct models (glm-5.3, glm-5-turbo, glm-5.3-flash, glm-5.2): one message each
    expect(posts.map((p) => (p.body as { model: string }).model).sort()).toEqual([
      'glm-5-turbo',
      'glm-5.2',
      'glm-5.3',
      'glm-5.3-flash',
    ])
    expect(posts.every((p) => (p.body as { max_tokens: number }).max_tokens === 1)).toBe(true)
    const opus = probed.instances[0]!.rows.find((r) => r.role === 'opus')!
    expect(opus).toMatchObject({ status: 'not-served', via: 'probe', note: 'model not found: glm-5.2' })
    expect(probed.instances[0]!.rows.filter((r) => r.status === 'served')).toHaveLength(4)
    expect(exitCodeOf(probed)).toBe(1)
  })

  it('401 → "the key was rejected", one line, exit 1', async () => {
    provider = await startFakeProvider({ models: SERVED, mode: 'unauthorized' })
    const report = await checkModels([target(provider.url)])
    expect(report.instances[0]!.error).toMatchObject({ kind: 'auth' })
    const text = renderModelsReport(report)
    expect(text).toContain('the key was rejected (HTTP 401: invalid x-api-key)')
    expect(text).not.toContain(KEY)
    expect(text).not.toMatch(/\n\s+at /)
    expect(exitCodeOf(report)).toBe(1)
  })

  it('a wrong key for the right header is rejected too', async () => {
    provider = await startFakeProvider({ models: SERVED, auth: 'x-api-key' })
    const report = await checkModels([target(provider.url)]) // Bearer, but the provider wants x-api-key
    expect(report.instances[0]!.error?.message).toMatch(/^the key was rejected/)
  })

  it('a slow provider → a clear timeout line', async () => {
    provider = await startFakeProvider({ models: SERVED, mode: 'slow', slowMs: 5_000 })
    const started = Date.now()
    const report = await checkModels([target(provider.url)], { timeoutMs: 200 })
    expect(Date.now() - started).toBeLessThan(3_000)
    expect(report.instances[0]!.error).toEqual({
      kind: 'timeout',
      message: `no answer from ${new URL(provider.url).host} within 0.2 s (raise it with --timeout)`,
    })
    expect(exitCodeOf(report)).toBe(1)
  })

  it('an unreachable host → one clear line; a missing key → says why', async () => {
    provider = await startFakeProvider({ models: SERVED })
    const dead = provider.url
    await provider.close()
    provider = undefined
    const report = await checkModels([
      target(dead),
      target('http://127.0.0.1:9', {}, { name: 'nokey', key: null, keyProblem: '$ZAI_KEY is not set' }),
    ])
    expect(report.instances[0]!.error?.message).toMatch(
      /^could not reach 127\.0\.0\.1:\d+: connection refused \(ECONNREFUSED\)$/,
    )
    expect(report.instances[1]!.error).toEqual({ kind: 'no-key', message: 'cannot read the key: $ZAI_KEY is not set' })
    const text = renderModelsReport(report)
    expect(text).toContain('work: check failed; nokey: check failed')
    expect(exitCodeOf(report)).toBe(1)
  })

  it('--probe with a model list only probes what the list did not confirm', async () => {
    provider = await startFakeProvider({ models: SERVED })
    const report = await checkModels([target(provider.url, { ANTHROPIC_DEFAULT_HAIKU_MODEL: 'glm-5.0-air' })], {
      probe: true,
    })
    const posts = provider.requests.filter((r) => r.method === 'POST')
    expect(posts.map((p) => (p.body as { model: string }).model)).toEqual(['glm-5.0-air'])
    const haiku = report.instances[0]!.rows.find((r) => r.role === 'haiku')!
    expect(haiku).toMatchObject({ status: 'not-served', via: 'probe', note: 'model not found: glm-5.0-air' })
    expect(report.instances[0]!.rows.filter((r) => r.via === 'list').every((r) => r.status === 'served')).toBe(true)
    expect(exitCodeOf(report)).toBe(1)
  })

  it('a rejected key stops the check before any probe: no token is spent', async () => {
    provider = await startFakeProvider({ models: SERVED, mode: 'no-models' })
    const report = await checkModels([target(provider.url, {}, { key: 'wrong' })], { probe: true })
    expect(report.instances[0]!.error?.message).toMatch(/^the key was rejected \(HTTP 401/)
    expect(provider.requests.filter((r) => r.method === 'POST')).toEqual([])
  })

  it('instances sharing a provider and key share one list request and one probe per model', async () => {
    provider = await startFakeProvider({ models: SERVED, mode: 'no-models' })
    const report = await checkModels([target(provider.url), target(provider.url, {}, { name: 'personal' })], {
      probe: true,
    })
    expect(report.instances.map((i) => i.ok)).toEqual([true, true])
    expect(provider.requests.filter((r) => r.method === 'GET')).toHaveLength(1)
    expect(provider.requests.filter((r) => r.method === 'POST')).toHaveLength(3) // glm-5.3, glm-5-turbo, glm-5.3-flash
  })

  it('a NOT SERVED model the locked version lists as retired: note and the override command, [1m] kept', async () => {
    provider = await startFakeProvider({ models: SERVED })
    const report = await checkModels([
      target(provider.url, { ANTHROPIC_DEFAULT_SONNET_MODEL: 'glm-5.2[1m]' }, { retired: { 'glm-5.2': 'glm-5.3' } }),
    ])
    const sonnet = report.instances[0]!.rows.find((r) => r.role === 'sonnet')!
    expect(sonnet).toMatchObject({ status: 'not-served', note: 'the template lists it as retired → glm-5.3[1m]' })
    expect(report.instances[0]!.hint).toContain("or switch: claude-multi override work sonnet='glm-5.3[1m]'")
    expect(renderModelsReport(report)).toMatch(
      /sonnet\s+glm-5\.2\[1m\]\s+NOT SERVED\s+the template lists it as retired → glm-5\.3\[1m\]/,
    )
  })
})
