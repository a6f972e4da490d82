import { it } from 'vitest'
import fc from 'fast-check'
import { mkdirSync, rmSync } from 'node:fs'
import { renderWrapper } from '../../shared/wrapper.js'
import { hostileValue, envName } from './arbitraries.js'
import { sourceMany } from './shell-harness.js'
it('dbg', async () => {
  rmSync('/tmp/dbg/drv', { recursive: true, force: true }); mkdirSync('/tmp/dbg/drv', { recursive: true })
  const v = hostileValue('/tmp/dbg/C')
  const cases = fc.sample(fc.record({ name: v, configDir: v, claudePath: v, env: fc.dictionary(envName, v, { maxKeys: 8 }) }), { numRuns: 500, seed: 1 }).map((c) => ({
    text: renderWrapper({ ...c, authVar: 'ANTHROPIC_API_KEY', key: null }), names: Object.keys(c.env),
  }))
  await sourceMany('bash', cases, '/tmp/dbg/drv')
}, 100000)
