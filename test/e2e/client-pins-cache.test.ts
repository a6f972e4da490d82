import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { derive, sandbox, startRegistry, type Registry, type Sandbox } from '../helpers/client.js'

const findFile = (dir: string, name: string): string => {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile() && e.name === name) return join(e.parentPath, e.name)
  throw new Error(`${name} not found under ${dir}`)
}

describe('pins, outdated, and a registry that goes away', () => {
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

  it('a caret pin takes the new minor but not the new major; an exact pin never moves', () => {
    expect(sb.cm(['add', 'caret', 'minimax@^1.3.0', '--api-key-stdin'], { input: 'test-key\n' }).code).toBe(0)
    expect(sb.cm(['add', 'exact', 'minimax@1.3.0', '--api-key-stdin'], { input: 'test-key\n' }).code).toBe(0)
    expect(sb.cm(['add', 'dflt', 'minimax', '--api-key-stdin'], { input: 'test-key\n' }).code).toBe(0)
    const lock = JSON.parse(readFileSync(join(sb.home, 'claude-multi.lock'), 'utf8'))
    // ^1.3.0 resolves to the latest 1.x; no range means ^<resolved>.
    expect(lock.instances.caret).toMatchObject({ version: '1.4.1', range: '^1.3.0' })
    expect(lock.instances.exact).toMatchObject({ version: '1.3.0', range: '1.3.0' })
    expect(lock.instances.dflt).toMatchObject({ version: '1.4.1', range: '^1.4.1' })

    for (const [v, model] of [
      ['1.5.0', 'MiniMax-M3.1'],
      ['2.0.0', 'MiniMax-M4'],
    ] as const) {
      writeFileSync(
        join(sb.dir, `mm-${v}.json`),
        derive('minimax', '1.4.0', v, (d) => {
          for (const r of Object.keys(d.models)) d.models[r] = model
        }),
      )
      const pub = sb.cm(['publish', join(sb.dir, `mm-${v}.json`)])
      expect(pub.stderr + pub.stdout).toContain(`minimax@${v}`)
      expect(pub.code).toBe(0)
    }
    const outdated = sb.cm(['outdated', '--json'])
    expect(outdated.code).toBe(0)
    const rows = Object.fromEntries(JSON.parse(outdated.stdout).instances.map((r: { name: string }) => [r.name, r]))
    expect(rows.caret).toMatchObject({ current: '1.4.1', wanted: '1.5.0', latest: '2.0.0' })
    expect(rows.exact).toMatchObject({ current: '1.3.0', wanted: '1.3.0', latest: '2.0.0' })
    const table = sb.cm(['outdated']).stdout.split('\n')
    expect(table[0]).toMatch(/^Instance\s+Template\s+Current\s+Wanted\s+Latest\s+Registry$/)
    expect(table.find((l) => l.startsWith('caret'))).toMatch(/^caret\s+minimax\s+1\.4\.1\s+1\.5\.0\s+2\.0\.0\s+public$/)

    expect(sb.cm(['sync', '--check', 'exact']).code).toBe(0)
    expect(sb.cm(['sync']).code).toBe(0)
    expect(sb.runWrapper('caret').ANTHROPIC_MODEL).toBe('MiniMax-M3.1')
    expect(sb.runWrapper('exact').ANTHROPIC_MODEL).toBe('MiniMax-M2.7')
    expect(sb.cm(['sync', '--check']).code).toBe(0)

    // Moving the pin is what takes a major.
    expect(sb.cm(['pin', 'caret', '^2.0.0']).code).toBe(0)
    expect(sb.cm(['sync', '--check', 'caret']).code).toBe(100)
    expect(sb.cm(['sync', 'caret']).code).toBe(0)
    expect(sb.runWrapper('caret').ANTHROPIC_MODEL).toBe('MiniMax-M4')
    const bad = sb.cm(['pin', 'caret', '^9.0.0'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/no version of minimax satisfies \^9\.0\.0 \(available: 1\.0\.0, .*2\.0\.0\)/)
  })

  it('works from the cache with a warning when the registry is down, and with --offline', async () => {
    const before = readFileSync(join(sb.bin, 'claude-caret'), 'utf8')
    await reg.stop()
    const check = sb.cm(['sync', '--check'])
    expect(check.code).toBe(0)
    // The per-id documents in use (or the index, on an older server) come from the cache.
    expect(check.stderr).toMatch(/warning: registry public unreachable .*cached entries \(minimax from/)
    const sync = sb.cm(['sync'])
    expect(sync.code).toBe(0)
    expect(sync.stderr).toContain('warning: registry public unreachable')
    const offline = sb.cm(['sync', '--offline', '--check'])
    expect(offline.code).toBe(0)
    expect(offline.stderr).toBe('')
    expect(sb.cm(['outdated', '--offline', '--json']).code).toBe(0)
    expect(readFileSync(join(sb.bin, 'claude-caret'), 'utf8')).toBe(before)
  })

  it('refuses a tampered cached document and leaves the wrapper alone', () => {
    const cached = findFile(join(sb.home, 'cache'), '2.0.0.json')
    const doc = JSON.parse(readFileSync(cached, 'utf8'))
    doc.models.default = 'evil-model'
    writeFileSync(cached, JSON.stringify(doc, null, 2))
    const before = readFileSync(join(sb.bin, 'claude-caret'), 'utf8')
    const r = sb.cm(['sync', '--offline'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /caret: cached minimax@2\.0\.0 .* has integrity sha256-\S+ but sha256-\S+ was expected; refusing it/,
    )
    expect(r.stderr).not.toContain('    at ')
    expect(readFileSync(join(sb.bin, 'claude-caret'), 'utf8')).toBe(before)
    expect(sb.cm(['sync', '--offline', '--check', 'caret']).code).toBe(1)
  })

  it('fails clearly when nothing is cached and the registry is down', () => {
    const fresh = sandbox('http://127.0.0.1:9')
    try {
      const r = fresh.cm(['add', 'x', 'glm', '--api-key-stdin'], { input: 'test-key\n' })
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(
        /^claude-multi: registry public \(http:\/\/127\.0\.0\.1:9\) is unreachable: connection refused \(ECONNREFUSED\); nothing is cached yet/,
      )
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    } finally {
      fresh.cleanup()
    }
  })
})
