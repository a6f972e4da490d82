/**
 * `bump` and `watch` through the real `claude-multi-registry` binary: wired as subcommands,
 * one-line errors.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js'
import { ROOT } from '../helpers/model-registry.js'
import { readDoc, seedGlm } from '../helpers/registry-tools.js'

let dir: string
let provider: FakeProvider | undefined

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cm-models-'))
  await seedGlm(join(dir, 'data'))
})

afterEach(async () => {
  await provider?.close()
  provider = undefined
  await rm(dir, { recursive: true, force: true })
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
