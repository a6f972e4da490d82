import { writeFileSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { derive, sandbox, startRegistry, type Registry, type Sandbox } from '../helpers/client.js'

/**
 * Acceptance, issue 4: hand edit + user line survive a new minor; sync --check codes; the wrapper
 * passes exactly the merged values to claude; rollback restores the previous file.
 */
describe('claude-multi sync against a real registry', () => {
  let reg: Registry
  let sb: Sandbox
  beforeAll(async () => {
    reg = await startRegistry()
    sb = sandbox(reg.url, { CLAUDE_MULTI_TOKEN: reg.token })
  })
  afterAll(async () => {
    await reg?.stop()
    sb?.cleanup()
  })

  it('keeps a hand-edited role and a user line across a new minor, then rolls back', () => {
    const add = sb.cm(['add', 'work', 'glm@^1.5.0', '--api-key-stdin'], { input: 'sk-test-FAKE\n' })
    expect(add.stderr).toBe('')
    expect(add.code).toBe(0)
    const wrapper = join(sb.bin, 'claude-work')
    expect(statSync(wrapper).mode & 0o777).toBe(0o755)
    const keyFile = join(sb.env.HOME!, '.claude-work', '.claude-multi-key')
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    expect(readFileSync(wrapper, 'utf8')).not.toContain('sk-test-FAKE')
    expect(sb.cm(['sync', '--check']).code).toBe(0)

    // The user edits Sonnet inside the block and adds a line of their own after it.
    const original = readFileSync(wrapper, 'utf8')
    const edited = original
      .replace(/export ANTHROPIC_DEFAULT_SONNET_MODEL=.*\n/, "export ANTHROPIC_DEFAULT_SONNET_MODEL='my-sonnet'\n")
      .replace(/exec /, 'export MY_OWN_FLAG="on"  # mine\nexec ')
    expect(edited).not.toBe(original)
    writeFileSync(wrapper, edited)

    // The registry publishes a new minor with new models.
    const doc = derive('glm', '1.5.0', '1.6.0', (d) => {
      d.models = {
        default: 'glm-6[1m]',
        fast: 'glm-6-turbo',
        sonnet: 'glm-6-flash[1m]',
        opus: 'glm-6[1m]',
        haiku: 'glm-6-turbo',
      }
      d.changelog = 'glm-6'
    })
    writeFileSync(join(sb.dir, 'glm-1.6.0.json'), doc)
    const pub = sb.cm(['publish', join(sb.dir, 'glm-1.6.0.json')])
    expect(pub.stderr).toBe('')
    expect(pub.code).toBe(0)

    const check = sb.cm(['sync', '--check'])
    expect(check.code).toBe(100)
    expect(check.stdout).toContain('1.5.1 → 1.6.0')
    expect(readFileSync(wrapper, 'utf8')).toBe(edited)

    const dry = sb.cm(['sync', '--dry-run'])
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain("+export ANTHROPIC_MODEL='glm-6[1m]'")
    expect(readFileSync(wrapper, 'utf8')).toBe(edited)

    const sync = sb.cm(['sync', '--json'])
    expect(sync.code).toBe(0)
    const result = JSON.parse(sync.stdout)
    expect(result).toMatchObject({ command: 'sync', exitCode: 0, mode: 'sync', updates: ['work'], errors: [] })
    expect(result.instances[0]).toMatchObject({
      name: 'work',
      from: '1.5.1',
      to: '1.6.0',
      written: true,
      action: 'update',
    })
    expect(result.instances[0].conflicts.map((c: { key: string }) => c.key)).toEqual(['ANTHROPIC_DEFAULT_SONNET_MODEL'])

    const after = readFileSync(wrapper, 'utf8')
    expect(after).toContain('export MY_OWN_FLAG="on"  # mine\nexec ')
    expect(after).toContain("export ANTHROPIC_DEFAULT_SONNET_MODEL='my-sonnet'\n")
    expect(after.endsWith(edited.slice(edited.indexOf('# <<< claude-multi managed <<<')))).toBe(true)

    const env = sb.runWrapper('work')
    expect(env).toMatchObject({
      ANTHROPIC_BASE_URL: 'https://api.z.ai/api/anthropic',
      ANTHROPIC_MODEL: 'glm-6[1m]',
      ANTHROPIC_SMALL_FAST_MODEL: 'glm-6-turbo',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'my-sonnet',
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'glm-6[1m]',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'glm-6-turbo',
      API_TIMEOUT_MS: '3000000',
      ANTHROPIC_AUTH_TOKEN: 'sk-test-FAKE',
      CLAUDE_CONFIG_DIR: join(sb.env.HOME!, '.claude-work'),
      MY_OWN_FLAG: 'on',
      ARGS: 'hello',
    })

    expect(sb.cm(['sync', '--check']).code).toBe(0)
    const lock = JSON.parse(readFileSync(join(sb.home, 'claude-multi.lock'), 'utf8'))
    expect(lock.instances.work).toMatchObject({
      template: 'glm',
      version: '1.6.0',
      range: '^1.5.0',
      registry: 'public',
    })
    expect(JSON.stringify(lock)).not.toContain('sk-test-FAKE')

    const rb = sb.cm(['rollback', 'work'])
    expect(rb.code).toBe(0)
    expect(readFileSync(wrapper, 'utf8')).toBe(edited)
    expect(JSON.parse(readFileSync(join(sb.home, 'claude-multi.lock'), 'utf8')).instances.work.version).toBe('1.5.1')
    expect(sb.cm(['sync', '--check']).code).toBe(100)
  })

  it('takes upstream on a conflict with --theirs and drops the override that lost', () => {
    expect(sb.cm(['override', 'work', 'opus=my-opus']).code).toBe(0)
    expect(sb.runWrapper('work').ANTHROPIC_DEFAULT_OPUS_MODEL).toBe('my-opus')
    const sync = sb.cm(['sync', 'work', '--theirs'])
    expect(sync.code).toBe(0)
    const env = sb.runWrapper('work')
    expect(env.ANTHROPIC_DEFAULT_SONNET_MODEL).toBe('glm-6-flash[1m]')
    expect(env.ANTHROPIC_DEFAULT_OPUS_MODEL).toBe('glm-6[1m]')
    expect(JSON.parse(sb.cm(['override', 'work', '--list', '--json']).stdout).overrides).toEqual({})
  })

  it('applies overrides at once and keeps them across syncs; --unset restores the template value', () => {
    expect(sb.cm(['override', 'work', 'haiku=tiny', 'API_TIMEOUT_MS=5']).code).toBe(0)
    expect(sb.runWrapper('work')).toMatchObject({ ANTHROPIC_DEFAULT_HAIKU_MODEL: 'tiny', API_TIMEOUT_MS: '5' })
    expect(sb.cm(['sync']).code).toBe(0)
    expect(sb.runWrapper('work').ANTHROPIC_DEFAULT_HAIKU_MODEL).toBe('tiny')
    const diff = sb.cm(['diff', 'work', '--json'])
    expect(
      JSON.parse(diff.stdout).variables.find((v: { key: string }) => v.key === 'ANTHROPIC_DEFAULT_HAIKU_MODEL').status,
    ).toBe('override')
    expect(sb.cm(['override', 'work', '--unset', 'haiku']).code).toBe(0)
    expect(sb.runWrapper('work')).toMatchObject({ ANTHROPIC_DEFAULT_HAIKU_MODEL: 'glm-6-turbo', API_TIMEOUT_MS: '5' })
  })
})
