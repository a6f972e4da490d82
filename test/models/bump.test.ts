/**
 * `claude-multi-registry bump`: the next version of a template from the latest, validated, in
 * place (the glm registry of test/helpers/registry-tools.ts).
 */
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { integrityOfText } from '../../shared/digest.js'
import { UsageError, ValidationError } from '../../shared/errors.js'
import bump from '../../server/commands/bump.js'
import { createFsStore } from '../../server/stores/fs.js'
import { dir, out, readDoc, run, useGlmRegistry, V2 } from '../helpers/registry-tools.js'

useGlmRegistry()

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
    // The attack: a new endpoint proposed as a minor. bump now asks for the major it is.
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
