import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeFileAtomic } from '../../client/state/atomic.js'
import { loadConfig, saveConfig } from '../../client/state/config.js'
import { detectStyle, formatJson } from '../../client/state/json-file.js'
import { loadLock } from '../../client/state/lock.js'
import { resolvePaths } from '../../client/state/paths.js'
import { Transaction } from '../../client/state/transaction.js'
import { loadTarget } from '../../client/sync/target.js'
import { FIXTURES } from '../helpers/layout.js'

const tmp = () => mkdtempSync(join(tmpdir(), 'cm-state-'))

describe('local state', () => {
  it('keeps the formatting style of a JSON file', () => {
    for (const text of ['{\n  "a": 1\n}', '{\n    "a": 1\n}\n', '{\n\t"a": 1\n}\n'])
      expect(formatJson(JSON.parse(text), detectStyle(text))).toBe(text)
  })

  it('preserves unknown config fields and claude-multi formatting (no trailing newline)', () => {
    const home = tmp()
    const fixture = readFileSync(join(FIXTURES, 'config.after-doctor-fix.json'), 'utf8')
    writeFileSync(join(home, 'config.json'), fixture)
    const paths = resolvePaths({ CLAUDE_MULTI_HOME: home })
    const loaded = loadConfig(paths)
    const save = () => {
      const tx = new Transaction(paths, 'test')
      saveConfig(tx, loaded)
      tx.commit()
    }
    save()
    expect(readFileSync(join(home, 'config.json'), 'utf8')).toBe(fixture)
    loaded.config.registries = [{ name: 'acme', url: 'https://r.acme.example' }]
    save()
    const after = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'))
    expect(after.instanceMigrationVersion).toBe('0.12.0')
    expect(after.instances[0].syncMode).toBe('auto')
  })

  it('reports a corrupt lock with its path and does not touch it', () => {
    const home = tmp()
    writeFileSync(join(home, 'claude-multi.lock'), '{"instances": 3}')
    const paths = resolvePaths({ CLAUDE_MULTI_HOME: home })
    expect(() => loadLock(paths)).toThrow(join(home, 'claude-multi.lock'))
    expect(readFileSync(join(home, 'claude-multi.lock'), 'utf8')).toBe('{"instances": 3}')
  })

  it('writes atomically and keeps the mode of the file it replaces', () => {
    const dir = tmp()
    const path = join(dir, 'w')
    writeFileAtomic(path, 'a', 0o755)
    writeFileAtomic(path, 'b')
    expect(readFileSync(path, 'utf8')).toBe('b')
    expect(statSync(path).mode & 0o777).toBe(0o755)
  })

  it('rewrites only managed settings.json env keys, keeping the key, order and other settings', () => {
    const dir = tmp()
    const path = join(dir, 'settings.json')
    const text = JSON.stringify(
      { env: { ANTHROPIC_AUTH_TOKEN: 'sk', ANTHROPIC_MODEL: 'a', MINE: '1', GONE: 'x' }, other: { deep: true } },
      null,
      2,
    )
    writeFileSync(path, text)
    const target = loadTarget({ kind: 'settings', path }, 'mm', 'ANTHROPIC_AUTH_TOKEN')
    expect(target.env).toEqual({ ANTHROPIC_MODEL: 'a', MINE: '1', GONE: 'x' })
    const next = target.render({ ANTHROPIC_MODEL: 'b', MINE: '1', NEW: 'n' }, 'src')
    expect(next).toBe(
      JSON.stringify(
        { env: { ANTHROPIC_AUTH_TOKEN: 'sk', ANTHROPIC_MODEL: 'b', MINE: '1', NEW: 'n' }, other: { deep: true } },
        null,
        2,
      ),
    )
  })

  it('edits settings.json in place: a one-line array, comments-free odd spacing and CRLF all stay byte for byte', () => {
    const dir = tmp()
    const path = join(dir, 'settings.json')
    const text =
      '{\r\n    "permissions": { "allow": ["Bash(git:*)", "Read"] },\r\n    "env": {\r\n        "ANTHROPIC_AUTH_TOKEN": "sk",\r\n        "ANTHROPIC_MODEL":   "a",\r\n        "KEEP": "k"\r\n    },\r\n    "includeCoAuthoredBy": false\r\n}'
    writeFileSync(path, text)
    const target = loadTarget({ kind: 'settings', path }, 'mm', 'ANTHROPIC_AUTH_TOKEN')
    expect(target.render({ ANTHROPIC_MODEL: 'a', KEEP: 'k' }, 'src')).toBe(text)
    const next = target.render({ ANTHROPIC_MODEL: 'b', KEEP: 'k', NEW: 'n' }, 'src')
    expect(next).toBe(
      text
        .replace('"ANTHROPIC_MODEL":   "a"', '"ANTHROPIC_MODEL":   "b"')
        .replace('"KEEP": "k"\r\n', '"KEEP": "k",\r\n        "NEW": "n"\r\n'),
    )
  })
})
