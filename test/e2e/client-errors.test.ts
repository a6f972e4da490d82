import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { holdLock, sandbox, type Sandbox } from '../helpers/client.js'

/** Bad input never destroys anything, and every error is one line with an exit code. Bundled catalogue. */
describe('claude-multi errors (bundled catalogue, no network)', () => {
  let sb: Sandbox
  beforeAll(() => {
    sb = sandbox()
    expect(sb.cm(['add', 'work', 'glm@1.5.0', '--api-key-stdin'], { input: 'test-key\n' }).code).toBe(0)
  })
  afterAll(() => sb?.cleanup())

  const oneLine = (stderr: string) => {
    expect(stderr.trim().split('\n')).toHaveLength(1)
    expect(stderr).not.toMatch(/\n\s+at /)
  }

  it('usage errors exit 2', () => {
    for (const args of [
      ['bogus'],
      ['add', 'Bad_Name', 'glm'],
      ['add', 'x', 'GLM'],
      ['add', 'x', 'glm@not a range'],
      ['diff'],
      ['pin', 'work', '>>1'],
      ['add', 'x', 'openrouter', '--input', 'nonsense'],
      ['sync', '--dryrun'],
      ['registry', 'add', 'a', 'http://x', '--scopes', '@a'],
    ]) {
      const r = sb.cm(args)
      expect(r.code, args.join(' ')).toBe(2)
      oneLine(r.stderr)
    }
  })

  it('names the missing input', () => {
    const r = sb.cm(['add', 'or', 'openrouter', '--api-key-env', 'OR_KEY'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--input model=')
    expect(sb.cm(['add', 'or', 'openrouter', '--input', 'model=z-ai/glm-4.6', '--api-key-env', 'OR_KEY']).code).toBe(0)
    expect(sb.runWrapper('or', { OR_KEY: 'or-key' })).toMatchObject({
      ANTHROPIC_MODEL: 'z-ai/glm-4.6',
      ANTHROPIC_API_KEY: '',
      ANTHROPIC_AUTH_TOKEN: 'or-key',
    })
  })

  it('refuses an existing name, an unknown instance, an unknown template', () => {
    const dup = sb.cm(['add', 'work', 'glm', '--api-key-env', 'K'])
    expect(dup.code).toBe(1)
    expect(dup.stderr).toContain('instance "work" already exists')
    const unknown = sb.cm(['sync', 'nope'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('unknown instance "nope"')
    const tpl = sb.cm(['add', 'y', 'no-such-template', '--api-key-env', 'K'])
    expect(tpl.code).toBe(1)
    oneLine(tpl.stderr)
  })

  it('a mangled wrapper is reported with its path and left untouched', () => {
    const wrapper = join(sb.bin, 'claude-work')
    const good = readFileSync(wrapper, 'utf8')
    const mangled = good.replace('# <<< claude-multi managed <<<\n', '')
    writeFileSync(wrapper, mangled)
    const r = sb.cm(['sync', 'work'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(wrapper)
    expect(readFileSync(wrapper, 'utf8')).toBe(mangled)
    expect(sb.cm(['doctor']).code).toBe(1)
    writeFileSync(wrapper, good)
    expect(sb.cm(['doctor']).stdout).toContain('✓ instance work')
  })

  it('a corrupt config or lock is named and never overwritten', () => {
    for (const file of ['config.json', 'claude-multi.lock']) {
      const path = join(sb.home, file)
      const before = readFileSync(path, 'utf8')
      writeFileSync(path, '{ "instances": [')
      for (const args of [['sync'], ['list'], ['add', 'z', 'glm', '--api-key-env', 'K'], ['outdated']]) {
        const r = sb.cm(args)
        expect(r.code, `${file}: ${args.join(' ')}`).toBe(1)
        expect(r.stderr).toContain(path)
        expect(r.stderr).toContain('`claude-multi adopt`')
        oneLine(r.stderr)
      }
      expect(readFileSync(path, 'utf8')).toBe('{ "instances": [')
      writeFileSync(path, before)
    }
  })

  it('DEBUG=claude-multi shows the stack', () => {
    const r = sb.cm(['sync', 'nope'], { env: { DEBUG: 'claude-multi' } })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/\n\s+at /)
  })

  it('keys never reach the wrapper, the lock or any output', () => {
    const r = sb.cm(['add', 'k', 'glm', '--api-key-stdin'], { input: 'sk-very-secret\n' })
    expect(r.code).toBe(0)
    expect(r.stdout + r.stderr).not.toContain('sk-very-secret')
    expect(readFileSync(join(sb.bin, 'claude-k'), 'utf8')).not.toContain('sk-very-secret')
    expect(readFileSync(join(sb.home, 'claude-multi.lock'), 'utf8')).not.toContain('sk-very-secret')
    for (const args of [
      ['diff', 'k'],
      ['sync', '--dry-run', 'k'],
      ['list', '--json'],
      ['diff', 'k', '--json'],
    ])
      expect(sb.cm(args).stdout).not.toContain('sk-very-secret')
    expect(sb.runWrapper('k').ANTHROPIC_AUTH_TOKEN).toBe('sk-very-secret')
  })

  it('--api-key-env makes the wrapper read $VAR and fail clearly when it is unset', () => {
    expect(sb.cm(['add', 'e', 'glm', '--api-key-env', 'MY_GLM_KEY']).code).toBe(0)
    expect(() => sb.runWrapper('e')).toThrow(/MY_GLM_KEY is not set/)
  })

  it('templates, search and info work offline from the bundled catalogue', () => {
    const t = sb.cm(['search', 'minimax', '--json'])
    expect(t.code).toBe(0)
    expect(JSON.parse(t.stdout)).toMatchObject({ command: 'templates', exitCode: 0, errors: [], warnings: [] })
    expect(JSON.parse(t.stdout).templates.map((r: { id: string }) => r.id)).toEqual(['minimax'])
    const info = sb.cm(['info', 'glm@~1.2', '--json'])
    expect(JSON.parse(info.stdout).selected.version).toBe('1.2.0')
    const text = sb.cm(['info', 'glm']).stdout
    expect(text).toMatch(/sonnet\s+ANTHROPIC_DEFAULT_SONNET_MODEL\s+\S+/)
  })

  it('a fresh home with a config dir given explicitly', () => {
    const dir = join(sb.dir, 'custom-dir')
    mkdirSync(dir)
    expect(sb.cm(['add', 'c', 'kimi', '--config-dir', dir, '--api-key-stdin'], { input: 'test-key\n' }).code).toBe(0)
    expect(sb.runWrapper('c').CLAUDE_CONFIG_DIR).toBe(dir)
  })

  it('one writer at a time: a live holder is named, --wait waits, a lock left by kill -9 is no obstacle', async () => {
    const holder = await holdLock(sb.home, 'sync')
    onTestFinished(() => holder.kill())
    const busy = sb.cm(['add', 'busy', 'kimi', '--api-key-env', 'K'])
    expect(busy.code).toBe(1)
    expect(busy.stderr).toMatch(
      new RegExp(
        `another claude-multi \\(pid ${holder.pid}, \`sync\` since [0-9:]{8}\\) is changing instances right now \\(run the command again with --wait`,
      ),
    )
    const waited = sb.cm(['add', 'busy', 'kimi', '--api-key-env', 'K', '--wait=0.3'])
    expect(waited.code).toBe(1)
    expect(waited.stderr).toContain('is still changing instances after 0.3 s of waiting')
    // Reading never waits for the lock, and a sync with nothing to write takes none.
    expect(sb.cm(['sync', '--check']).code).toBe(0)
    expect(sb.cm(['list']).code).toBe(0)
    expect(sb.cm(['sync']).code).toBe(0)
    await holder.kill()
    expect(readFileSync(join(sb.home, '.lock'), 'utf8')).toContain(`"pid":${holder.pid}`)
    const added = sb.cm(['add', 'busy', 'kimi', '--api-key-env', 'K'])
    expect(added.code, added.stderr).toBe(0)
  })

  it('refuses a version whose digest differs from the one recorded in the lock', () => {
    const path = join(sb.home, 'claude-multi.lock')
    const before = readFileSync(path, 'utf8')
    const lock = JSON.parse(before)
    lock.instances.work.integrity = 'sha256-recordedBeforeTheRegistryRewroteIt='
    writeFileSync(path, JSON.stringify(lock, null, 2))
    onTestFinished(() => writeFileSync(path, before))
    const wrapper = readFileSync(join(sb.bin, 'claude-work'), 'utf8')
    const r = sb.cm(['sync', 'work'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      'but the lock recorded sha256-recordedBeforeTheRegistryRewroteIt=; a published version must never change, refusing it',
    )
    expect(readFileSync(join(sb.bin, 'claude-work'), 'utf8')).toBe(wrapper)
    writeFileSync(path, before)
  })
})
