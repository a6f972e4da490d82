/**
 * Property suite for the env allowlist: generated variables outside it (dangerous names, random
 * names, prototype names, lowercase, and allowlisted names with values outside their kind) are
 * refused at publish by the real app, refused by the renderer, and — through the real binary
 * against a hostile registry, fetched fresh or planted in an old cache — nothing is written.
 */
import { createHash } from 'node:crypto'
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../server/app.js'
import { createFsStore } from '../../server/stores/fs.js'
import { newToken } from '../../server/tokens.js'
import { ENV_ALLOWLIST, isAllowedEnv } from '../../shared/env-allowlist.js'
import { CliError } from '../../shared/errors.js'
import { resolveEnv } from '../../shared/resolve.js'
import type { Template } from '../../shared/types.js'
import { sandbox } from '../helpers/client.js'
import { ROOT } from '../helpers/server.js'
import { fcParams, runs } from '../helpers/arbitraries.js'
import { catalogueDoc, clientFiles, startHostile } from '../helpers/hostile.js'
import { DANGEROUS_ENV as DANGEROUS } from '../helpers/dangerous-env.js'

const outer = mkdtempSync(join(tmpdir(), 'cm-allowlist-'))
afterAll(() => rmSync(outer, { recursive: true, force: true }))

/** A name no template may set. */
const outsideName = fc.oneof(
  fc.constantFrom(...DANGEROUS),
  fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,40}$/).filter((n) => !isAllowedEnv(n)),
  fc.constantFrom(
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'api_timeout_ms',
    'anthropic_api_key',
  ),
  fc.string({ minLength: 1, maxLength: 20 }).filter((n) => !isAllowedEnv(n)),
)

/** An allowlisted variable with a value outside its kind (or with a control/bidi character). */
const outsideValue = fc.oneof(
  fc.tuple(
    fc.constantFrom(
      'API_TIMEOUT_MS',
      'CLAUDE_CODE_MAX_OUTPUT_TOKENS',
      'MAX_THINKING_TOKENS',
      'CLAUDE_CODE_AUTO_COMPACT_WINDOW',
    ),
    fc.string().filter((v) => !/^(0|[1-9]\d{0,11})$/.test(v)),
  ),
  fc.tuple(
    fc.constant('CLAUDE_AUTOCOMPACT_PCT_OVERRIDE'),
    fc.oneof(
      fc.constantFrom('0', '101', '50%', ''),
      fc.string().filter((v) => !/^\d+$/.test(v)),
    ),
  ),
  fc.tuple(
    fc.constantFrom('CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC', 'DISABLE_TELEMETRY', 'DISABLE_PROMPT_CACHING'),
    fc.string().filter((v) => v !== '1' && v !== 'true'),
  ),
  fc.tuple(fc.constant('ANTHROPIC_API_KEY'), fc.string({ minLength: 1 })),
  fc
    .tuple(
      fc.constantFrom(...Object.keys(ENV_ALLOWLIST).filter((n) => ENV_ALLOWLIST[n]!.from === 'env')),
      fc.constantFrom('\u001b[2K', '\u0007', '\u202e', '\u0085', '\r', '\n', '\u0000'),
    )
    .map(([n, c]) => [n, `1${c}`] as [string, string]),
)

const entryArb = fc.oneof(fc.tuple(outsideName, fc.string({ unit: 'binary', maxLength: 60 })), outsideValue)

const glm = catalogueDoc('glm', '1.5.0') as unknown as Template
const withEnv = ([name, value]: [string, string], version = '1.5.1'): Template => {
  const env: Record<string, string> = { ...glm.env }
  Object.defineProperty(env, name, { value, enumerable: true, writable: true, configurable: true })
  return { ...glm, version, env }
}

describe('env outside the allowlist (property)', () => {
  let app: ReturnType<typeof createApp>
  let token = ''
  beforeAll(async () => {
    const data = join(outer, 'data')
    mkdirSync(data)
    cpSync(join(ROOT, 'registry/templates/glm'), join(data, 'templates/glm'), { recursive: true })
    const store = createFsStore({ dir: data })
    const t = newToken('p', ['*'], false)
    await store.addToken(t.record)
    token = t.secret
    app = createApp({ store, web: false })
  })
  afterAll(() => app?.close())

  it('is refused at publish (400 naming the variable) and by the renderer', async () => {
    await fc.assert(
      fc.asyncProperty(entryArb, async (entry) => {
        const doc = withEnv(entry)
        const res = await app.request('http://x/v1/templates/glm/1.5.1', {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(doc),
        })
        expect(res.status).toBe(400)
        const body = (await res.json()) as { error: { code: string; issues?: { path: string }[] } }
        expect(body.error.code).toBe('E_INVALID')
        expect(body.error.issues?.some((i) => i.path.startsWith('env.'))).toBe(true)
        let thrown: unknown
        try {
          resolveEnv(doc)
        } catch (error) {
          thrown = error
        }
        expect(thrown).toBeInstanceOf(CliError)
      }),
      fcParams(runs(300)),
    )
  })

  it('writes nothing through the real client, fetched fresh or planted in an old cache', {
    timeout: 180_000,
  }, async () => {
    const hostile = await startHostile({})
    const sb = sandbox(hostile.url)
    const cacheDir = join(
      sb.home,
      'cache',
      `public-${createHash('sha256').update(hostile.url).digest('hex').slice(0, 10)}`,
      'templates',
      'glm',
    )
    try {
      await fc.assert(
        fc.asyncProperty(entryArb, async (entry) => {
          const doc = withEnv(entry, '1.0.0')
          const text = `${JSON.stringify(doc, null, 2)}\n`
          hostile.set({ templates: { glm: { versions: { '1.0.0': text } } } })
          rmSync(join(sb.home, 'cache'), { recursive: true, force: true })
          const before = clientFiles(sb.home, sb.bin, join(sb.dir, 'userhome'))
          const fresh = sb.cm(['add', 'x', 'glm@1.0.0', '--api-key-stdin'], { input: 'k\n' })
          expect(fresh.code, fresh.stderr).toBe(1)
          expect(fresh.stderr).toMatch(/not a valid template/)
          mkdirSync(cacheDir, { recursive: true })
          writeFileSync(join(cacheDir, '1.0.0.json'), text)
          const planted = sb.cm(['add', 'x', 'glm@1.0.0', '--api-key-stdin'], { input: 'k\n' })
          expect(planted.code, planted.stderr).toBe(1)
          expect(planted.stderr).not.toMatch(/unexpected error/)
          expect(clientFiles(sb.home, sb.bin, join(sb.dir, 'userhome'))).toEqual(before)
        }),
        fcParams(runs(8)),
      )
    } finally {
      sb.cleanup()
      await hostile.stop()
    }
  })
})
