import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Registries } from '../../client/registry/registries.js'
import { resolvePaths } from '../../client/state/paths.js'
import { adoptInstance as adopt } from '../../client/sync/adopt.js'
import { Transaction } from '../../client/state/transaction.js'
import type { SyncContext } from '../../client/sync/context.js'
import { FIXTURES } from '../helpers/layout.js'

/** adopt against the bundled catalogue: base URL → template, best-matching version, inputs read back. */
function context(instances: { name: string; env: Record<string, string>; providerTemplate?: string }[]): SyncContext {
  const dir = mkdtempSync(join(tmpdir(), 'cm-adopt-'))
  const paths = resolvePaths({ CLAUDE_MULTI_HOME: join(dir, 'home'), CLAUDE_MULTI_BIN_DIR: join(dir, 'bin') })
  const config = {
    instances: instances.map((i) => {
      const configDir = join(dir, `.claude-${i.name}`)
      mkdirSync(configDir, { recursive: true })
      writeFileSync(
        join(configDir, 'settings.json'),
        JSON.stringify({ env: { ANTHROPIC_AUTH_TOKEN: 'sk', ...i.env } }, null, 2),
      )
      return { name: i.name, configDir, ...(i.providerTemplate ? { providerTemplate: i.providerTemplate } : {}) }
    }),
  }
  delete process.env.CLAUDE_MULTI_REGISTRY
  return {
    paths,
    config,
    lock: { lockfileVersion: 1, instances: {} },
    registries: new Registries({ paths, config, warn: () => {} }),
    docs: new Map(),
  }
}

const adoptInstance = (ctx: SyncContext, name: string) => adopt(ctx, new Transaction(ctx.paths, 'test'), name)

const fixtureEnv = (dir: string) =>
  JSON.parse(readFileSync(`${FIXTURES}/${dir}/settings.json`, 'utf8')).env as Record<string, string>

describe('adoptInstance', () => {
  it('picks the version whose mapping matches best (glm-5.1 era → the glm version with glm-5.1)', async () => {
    const ctx = context([{ name: 'work', env: fixtureEnv('claude-work-old') }])
    const r = await adoptInstance(ctx, 'work')
    expect(r.template).toBe('glm')
    const doc = JSON.parse(
      readFileSync(new URL(`../../registry/templates/glm/${r.version}.json`, import.meta.url), 'utf8'),
    )
    expect(doc.models.opus).toBe('glm-5.1')
    expect(ctx.lock.instances.work).toMatchObject({
      template: 'glm',
      range: `^${r.version}`,
      target: { kind: 'settings' },
    })
  })

  it('reads inputs back from the base URL (MiMo token plan region) and matches without providerTemplate', async () => {
    const ctx = context([
      {
        name: 'mimo',
        env: {
          ANTHROPIC_BASE_URL: 'https://token-plan-sgp.xiaomimimo.com/anthropic/',
          ANTHROPIC_MODEL: 'mimo-v2.5-pro[1m]',
        },
      },
    ])
    const r = await adoptInstance(ctx, 'mimo')
    expect(r).toMatchObject({ template: 'mimo-token-plan', inputs: { region: 'sgp' } })
  })

  it('records differing template values as overrides and refuses an unknown provider', async () => {
    const ctx = context([
      { name: 'mm', env: { ...fixtureEnv('claude-mm-old'), API_TIMEOUT_MS: '1' } },
      { name: 'odd', env: { ANTHROPIC_BASE_URL: 'https://llm.example.com' } },
    ])
    const r = await adoptInstance(ctx, 'mm')
    expect(r).toMatchObject({ template: 'minimax', version: '1.3.0', overrides: { API_TIMEOUT_MS: '1' } })
    await expect(adoptInstance(ctx, 'odd')).rejects.toThrow(
      'no template in registry public uses https://llm.example.com',
    )
  })
})
