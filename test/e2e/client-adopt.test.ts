import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { layOutOldClaudeMulti, sandbox, startRegistry, type Registry, type Sandbox } from '../helpers/client.js'

describe('adopt an instance made by an older claude-multi', () => {
  let reg: Registry
  let sb: Sandbox
  beforeAll(async () => {
    reg = await startRegistry()
    sb = sandbox(reg.url)
  })
  afterAll(async () => {
    await reg?.stop()
    sb?.cleanup()
  })

  it('matches MiniMax-M2.7 settings to minimax 1.3.0 and syncs to MiniMax-M3 keeping the user-changed key', () => {
    const { mmSettings } = layOutOldClaudeMulti(sb)
    // The user changed a value the template manages before adopting.
    const original = readFileSync(mmSettings, 'utf8').replace(
      '"API_TIMEOUT_MS": "3000000"',
      '"API_TIMEOUT_MS": "600000"',
    )
    writeFileSync(mmSettings, original)
    const configBefore = readFileSync(join(sb.home, 'config.json'), 'utf8')

    expect(sb.cm(['list']).stdout).toMatch(/mm\s+minimax\s+not managed/)
    const adopt = sb.cm(['adopt', '--json'])
    expect(adopt.code).toBe(0)
    const adopted = Object.fromEntries(JSON.parse(adopt.stdout).adopted.map((a: { name: string }) => [a.name, a]))
    expect(adopted.mm).toMatchObject({ template: 'minimax', version: '1.3.0', overrides: { API_TIMEOUT_MS: '600000' } })
    expect(adopted.work.template).toBe('glm')
    expect(readFileSync(mmSettings, 'utf8')).toBe(original)
    expect(readFileSync(join(sb.home, 'config.json'), 'utf8')).toBe(configBefore)

    const check = sb.cm(['sync', '--check', 'mm'])
    expect(check.code).toBe(100)
    expect(check.stdout).not.toContain('sk-test-FAKE')
    const diff = sb.cm(['diff', 'mm'])
    expect(diff.code).toBe(0)
    expect(diff.stdout).not.toContain('sk-test-FAKE')
    const dry = sb.cm(['sync', '--dry-run', 'mm'])
    expect(dry.stdout).not.toContain('sk-test-FAKE')

    const sync = sb.cm(['sync', 'mm'])
    expect(sync.code).toBe(0)
    expect(sync.stdout + sync.stderr).not.toContain('sk-test-FAKE')
    const text = readFileSync(mmSettings, 'utf8')
    expect(text.endsWith('}')).toBe(true)
    const settings = JSON.parse(text)
    expect(text).toBe(JSON.stringify(settings, null, 2))
    expect(settings.includeCoAuthoredBy).toBe(false)
    expect(settings.env).toEqual({
      ANTHROPIC_AUTH_TOKEN: 'sk-test-FAKE',
      ANTHROPIC_BASE_URL: 'https://api.minimax.io/anthropic',
      API_TIMEOUT_MS: '600000',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      ANTHROPIC_MODEL: 'MiniMax-M3',
      ANTHROPIC_SMALL_FAST_MODEL: 'MiniMax-M3',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'MiniMax-M3',
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'MiniMax-M3',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'MiniMax-M3',
      ENABLE_THINKING: 'true',
      REASONING_EFFORT: 'high',
      MAX_OUTPUT_TOKENS: '64000',
      MAX_THINKING_TOKENS: '32000',
      CLAUDE_CODE_AUTO_COMPACT_WINDOW: '1000000',
    })
    // Key order of the file is the user's; a variable new to it (the window) comes last.
    expect(Object.keys(settings.env)).toEqual([
      ...Object.keys(JSON.parse(original).env),
      'CLAUDE_CODE_AUTO_COMPACT_WINDOW',
    ])
    expect(sb.cm(['sync', '--check', 'mm']).code).toBe(0)
    expect(sb.cm(['rollback', 'mm']).code).toBe(0)
    expect(readFileSync(mmSettings, 'utf8')).toBe(original)

    const list = JSON.parse(sb.cm(['list', '--json']).stdout).instances
    expect(list.find((r: { name: string }) => r.name === 'mm')).toMatchObject({
      managed: true,
      template: 'minimax',
      version: '1.3.0',
    })
    expect(sb.cm(['adopt', 'mm']).code).toBe(1)
  })

  it('keeps unknown config.json fields when adding an instance next to adopted ones', () => {
    expect(sb.cm(['add', 'ds', 'deepseek', '--api-key-env', 'DEEPSEEK_KEY']).code).toBe(0)
    const config = JSON.parse(readFileSync(join(sb.home, 'config.json'), 'utf8'))
    expect(config.version).toBe('2.0.0')
    expect(config.instances[0]).toMatchObject({
      name: 'work',
      autoSync: true,
      syncMode: 'auto',
      createdWithVersion: '0.12.0',
    })
    expect(config.instances.map((i: { name: string }) => i.name)).toEqual(['work', 'mm', 'ds'])
    const r = sb.cm(['doctor', '--json'])
    const checks = JSON.parse(r.stdout).checks
    expect(checks.find((c: { check: string }) => c.check === 'instance ds').status).toBe('ok')
  })

  it('doctor warns when settings.json env shadows a variable the wrapper manages', () => {
    const configDir = join(sb.env.HOME!, '.claude-ds')
    writeFileSync(join(configDir, 'settings.json'), JSON.stringify({ env: { ANTHROPIC_MODEL: 'x' } }))
    const r = sb.cm(['doctor'])
    expect(r.stdout).toMatch(/! instance ds: ds: .*settings\.json "env" sets ANTHROPIC_MODEL/)
    const sync = sb.cm(['sync', 'ds'])
    expect(sync.stderr).toMatch(/warning: ds: .*sets ANTHROPIC_MODEL/)
  })
})

describe('adopt + sync of the claude-multi fixtures', () => {
  it('leave every byte of settings.json outside the managed env keys unchanged', async () => {
    const reg = await startRegistry()
    const sb = sandbox(reg.url)
    try {
      const paths = layOutOldClaudeMulti(sb)
      // Hand formatting Claude Code and people write: a one-line array, odd spacing, CRLF line ends.
      const originals = new Map<string, string>()
      for (const [i, path] of [paths.mmSettings, paths.workSettings].entries()) {
        let text = readFileSync(path, 'utf8').replace(
          '{\n',
          '{\n  "permissions": { "allow": ["Bash(git:*)", "Read"], "deny": [] },\n',
        )
        if (i === 1) text = text.replace(/\n/g, '\r\n')
        writeFileSync(path, text)
        originals.set(path, text)
      }
      expect(sb.cm(['adopt']).code).toBe(0)
      const sync = sb.cm(['sync'])
      expect(sync.code, sync.stderr).toBe(0)
      const { applyEdits, modify } = await import('jsonc-parser')
      for (const [path, before] of originals) {
        const after = readFileSync(path, 'utf8')
        expect(after, `${path} changed`).not.toBe(before)
        // Put back the old value of every env key sync changed (or drop the ones it added): the
        // result must be the original file, byte for byte.
        const was = JSON.parse(before).env as Record<string, string>
        const now = JSON.parse(after).env as Record<string, string>
        let undone = after
        const eol = before.includes('\r\n') ? '\r\n' : '\n'
        for (const key of Object.keys(now)) {
          if (was[key] === now[key]) continue
          undone = applyEdits(
            undone,
            modify(undone, ['env', key], was[key], { formattingOptions: { insertSpaces: true, tabSize: 2, eol } }),
          )
        }
        expect(undone, path).toBe(before)
      }
      expect(sb.cm(['sync', '--check']).code).toBe(0)
    } finally {
      sb.cleanup()
      await reg.stop()
    }
  })
})
