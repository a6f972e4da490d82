import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { Registries } from '../../client/registry/registries.js'
import { loadConfig } from '../../client/state/config.js'
import { loadLock } from '../../client/state/lock.js'
import { resolvePaths } from '../../client/state/paths.js'
import { addInstance } from '../../client/sync/add.js'
import { applyPlans } from '../../client/sync/apply.js'
import { planInstance } from '../../client/sync/plan.js'
import { Transaction } from '../../client/state/transaction.js'

/** Plan → apply on the bundled catalogue: minimax 1.3.0 (MiniMax-M2.7) → 1.4.0 (MiniMax-M3). */
function session() {
  const dir = mkdtempSync(join(tmpdir(), 'cm-plan-'))
  const paths = resolvePaths({ CLAUDE_MULTI_HOME: join(dir, 'home'), CLAUDE_MULTI_BIN_DIR: join(dir, 'bin') })
  delete process.env.CLAUDE_MULTI_REGISTRY
  process.env.CLAUDE_MULTI_CLAUDE_PATH = '/bin/true'
  const loaded = loadConfig(paths)
  const ctx = {
    paths,
    config: loaded.config,
    loaded,
    lock: loadLock(paths),
    registries: new Registries({ paths, config: loaded.config, warn: () => {} }),
    docs: new Map(),
  }
  return { dir, ctx }
}

/** Runs `fn` in a transaction and commits it, as a command does. */
async function committed<T>(ctx: { paths: { home: string } }, fn: (tx: Transaction) => T | Promise<T>): Promise<T> {
  const tx = new Transaction(ctx.paths, 'test')
  const r = await fn(tx)
  tx.commit()
  return r
}

describe('planInstance', () => {
  let s: ReturnType<typeof session>
  let wrapper: string
  beforeEach(async () => {
    s = session()
    const r = await committed(s.ctx, (tx) =>
      addInstance(s.ctx, tx, {
        name: 'mm',
        spec: 'minimax@1.3.0',
        inputs: {},
        configDir: join(s.dir, 'cfg'),
        apiKeyEnv: 'MM_KEY',
      }),
    )
    wrapper = r.wrapper
  })

  it('plans nothing for an untouched instance on its wanted version', async () => {
    const plan = await planInstance(s.ctx, 'mm')
    expect(plan.changed).toBe(false)
    expect(plan.nextText).toBe(plan.currentText)
  })

  it('keeps a deleted variable deleted, an added one added, and takes untouched upstream changes', async () => {
    const text = readFileSync(wrapper, 'utf8')
      .replace(/export API_TIMEOUT_MS=.*\n/, '')
      .replace(/(export CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=.*\n)/, "$1export MY_VAR='x y'\n")
    writeFileSync(wrapper, text)
    const plan = await planInstance(s.ctx, 'mm', { to: '1.4.0' })
    expect(plan.merge.env.API_TIMEOUT_MS).toBeUndefined()
    expect(plan.merge.env.MY_VAR).toBe('x y')
    expect(plan.merge.env.ANTHROPIC_MODEL).toBe('MiniMax-M3')
    expect(plan.merge.conflicts).toEqual([])
    expect(await committed(s.ctx, (tx) => applyPlans(s.ctx, tx, [plan]))).toEqual(['mm'])
    const after = readFileSync(wrapper, 'utf8')
    expect(after).toContain("export MY_VAR='x y'\n")
    expect(after).not.toContain('API_TIMEOUT_MS')
    expect(after).toContain('# source: minimax@1.4.0 from public')
    expect(s.ctx.lock.instances.mm!.version).toBe('1.4.0')
  })

  it('renders deterministically: two plans from the same state give the same bytes', async () => {
    const a = await planInstance(s.ctx, 'mm', { to: '1.4.0' })
    const b = await planInstance(s.ctx, 'mm', { to: '1.4.0' })
    expect(a.nextText).toBe(b.nextText)
  })

  it('a dynamic value the user wrote is kept as written', async () => {
    writeFileSync(
      wrapper,
      readFileSync(wrapper, 'utf8').replace(
        /export ANTHROPIC_DEFAULT_OPUS_MODEL=.*\n/,
        'export ANTHROPIC_DEFAULT_OPUS_MODEL="$MY_OPUS"\n',
      ),
    )
    const plan = await planInstance(s.ctx, 'mm', { to: '1.4.0' })
    await committed(s.ctx, (tx) => applyPlans(s.ctx, tx, [plan]))
    expect(readFileSync(wrapper, 'utf8')).toContain('export ANTHROPIC_DEFAULT_OPUS_MODEL="$MY_OPUS"\n')
  })
})

describe('an interrupted sync', () => {
  it('is completed by the next run, and rollback still restores the file from before it', async () => {
    const s = session()
    const { wrapper } = await committed(s.ctx, (tx) =>
      addInstance(s.ctx, tx, {
        name: 'mm',
        spec: 'minimax@^1.3.0',
        inputs: {},
        configDir: join(s.dir, 'cfg'),
        apiKeyEnv: 'MM_KEY',
      }),
    )
    // Start on 1.3.0 (as if added before 1.4.0 existed).
    s.ctx.lock.instances.mm!.range = '1.3.0'
    await committed(s.ctx, async (tx) => applyPlans(s.ctx, tx, [await planInstance(s.ctx, 'mm', { to: '1.3.0' })]))
    const before = readFileSync(wrapper, 'utf8')
    s.ctx.lock.instances.mm!.range = '^1.3.0'
    const lockBefore = structuredClone(s.ctx.lock)
    await committed(s.ctx, async (tx) => applyPlans(s.ctx, tx, [await planInstance(s.ctx, 'mm')]))
    const after = readFileSync(wrapper, 'utf8')
    expect(after).toContain('MiniMax-M3')
    // Simulate a kill -9 between the wrapper and the lock: the lock on disk is the old one.
    s.ctx.lock = lockBefore
    const again = await planInstance(s.ctx, 'mm')
    expect(again.nextText).toBe(after)
    expect(again.changed).toBe(true)
    expect(again.merge.conflicts).toEqual([])
    await committed(s.ctx, (tx) => applyPlans(s.ctx, tx, [again]))
    expect(s.ctx.lock.instances.mm!.version).toBe('1.4.1')
    const { loadPrevious } = await import('../../client/state/previous.js')
    expect(loadPrevious(join(s.dir, 'cfg'))!.text).toBe(before)
  })
})
