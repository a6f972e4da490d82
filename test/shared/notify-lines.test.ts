import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { NOTIFY_MARK, renderNotifyLines } from '../../shared/notify-lines.js'
import { parseWrapper, renderWrapper, spliceWrapper, withNotifyLines, type WrapperSpec } from '../../shared/wrapper.js'
import { sourceWrapper } from '../helpers/shell.js'

const spec = (over: Partial<WrapperSpec> = {}): WrapperSpec => ({
  name: 'work',
  configDir: '/home/u/.claude-work',
  claudePath: '/usr/local/bin/claude',
  authVar: 'ANTHROPIC_AUTH_TOKEN',
  key: { env: 'ZAI_KEY' },
  env: { ANTHROPIC_BASE_URL: 'https://api.z.ai/api/anthropic', ANTHROPIC_MODEL: 'glm-5.1' },
  source: 'glm@2.1.0 from public',
  ...over,
})

const SHELLS = ['bash', 'dash', 'sh']

/** A wrapper file with a fake claude that prints ARGS, run as a program (its stderr a pipe). */
function runFile(text: string, shell: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cm-notify-run-'))
  const claude = join(dir, 'claude')
  writeFileSync(claude, '#!/bin/sh\necho "ARGS=$*"\n')
  chmodSync(claude, 0o755)
  const file = join(dir, 'wrapper')
  writeFileSync(file, text.replace(/^exec .*$/m, `exec '${claude}' "$@"`))
  return spawnSync(shell, [file, 'hi'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ZAI_KEY: 'k', ...env },
  })
}

describe('the update-notice lines', () => {
  it('sit at the end of the block, each marked, and are parsed as generated lines', () => {
    const text = renderWrapper(spec({ notify: { home: '/h/.claude-multi' } }))
    const lines = renderNotifyLines('work', '/h/.claude-multi')
    expect(lines.every((l) => l.endsWith(NOTIFY_MARK))).toBe(true)
    expect(text).toContain(`${lines.join('\n')}\n# <<< claude-multi managed <<<\n`)
    expect(text).toContain(`_cm_n='/h/.claude-multi/notify/work'`)
    expect(text).toContain(`CLAUDE_MULTI_HOME='/h/.claude-multi' $_cm_s claude-multi notify 'work' &`)
    const parsed = parseWrapper(text)
    expect(parsed.lines.filter((l) => l.kind === 'notify').map((l) => l.raw)).toEqual(lines)
    expect(Object.keys(parsed.env)).toEqual(['ANTHROPIC_BASE_URL', 'ANTHROPIC_MODEL'])
  })

  it('are kept by a splice that does not name them, replaced or removed by one that does', () => {
    const text = renderWrapper(spec({ notify: { home: '/h' } }))
    const parsed = parseWrapper(text)
    expect(spliceWrapper(parsed, parsed.env)).toBe(text)
    expect(spliceWrapper(parsed, parsed.env, undefined, undefined, [])).toBe(renderWrapper(spec()))
    expect(
      spliceWrapper(
        parseWrapper(renderWrapper(spec())),
        parsed.env,
        undefined,
        undefined,
        renderNotifyLines('work', '/h'),
      ),
    ).toBe(text)
    expect(withNotifyLines(parsed, [])).toBe(renderWrapper(spec()))
    expect(withNotifyLines(parseWrapper(renderWrapper(spec())), renderNotifyLines('work', '/h'))).toBe(text)
  })

  it('keep every other byte, a user line and CRLF endings included', () => {
    const crlf = renderWrapper(spec())
      .replace(/\n/g, '\r\n')
      .replace("export ANTHROPIC_MODEL='glm-5.1'\r\n", "export ANTHROPIC_MODEL='glm-5.1'\r\necho mine\r\n")
    const withLines = withNotifyLines(parseWrapper(crlf), renderNotifyLines('work', '/h'))
    expect(withLines).toContain('echo mine\r\n')
    expect(withLines).toContain(`${renderNotifyLines('work', '/h')[0]}\r\n`)
    expect(withNotifyLines(parseWrapper(withLines), [])).toBe(crlf)
  })

  it('refuse a name that is not an instance name: it becomes part of a file name', () => {
    expect(() => renderNotifyLines('../x', '/h')).toThrow(/not a valid instance name/)
    expect(() => renderWrapper(spec({ name: 'a b', notify: { home: '/h' } }))).toThrow(/not a valid instance name/)
  })

  it('export nothing and run nothing from a hostile home path, in every shell', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-notify-'))
    const canary = join(dir, 'pwned')
    for (const home of [
      `${dir}/$(touch ${canary})`,
      `${dir}/\`touch ${canary}\``,
      `${dir}/'; touch ${canary}; '`,
      `${dir}/"$(touch ${canary})"`,
    ]) {
      for (const shell of SHELLS) {
        const plain = sourceWrapper(renderWrapper(spec()), shell, { ZAI_KEY: 'k' })
        const notify = sourceWrapper(renderWrapper(spec({ notify: { home } })), shell, { ZAI_KEY: 'k' })
        expect(notify.status).toBe(0)
        expect(notify.stderr).toBe(plain.stderr)
        const { PWD: _a, ...got } = notify.env
        const { PWD: _b, ...want } = plain.env
        expect(got).toEqual(want)
      }
    }
    expect(existsSync(canary)).toBe(false)
  })

  it('refuse a relative home (read from wherever claude-<name> starts) and a home that is not one line', () => {
    for (const home of ['.cm', 'cm/home', '~/.claude-multi', '/h/a\nb', '/h/a\rb', ''])
      expect(() => renderNotifyLines('work', home), JSON.stringify(home)).toThrow(
        /absolute CLAUDE_MULTI_HOME on one line/,
      )
    for (const home of ['/h/.claude-multi', "/h/it's here", 'C:\\Users\\me\\.claude-multi'])
      expect(renderNotifyLines('work', home)).toHaveLength(6)
  })

  it("run claude whatever state the notice files are in, also under a user's set -eu", () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-notify-'))
    const home = join(dir, 'home')
    const text = renderWrapper(spec({ notify: { home } }))
    const strict = text.replace('#!/bin/sh\n', '#!/bin/sh\nset -eu\n')
    const noPath = { PATH: '/nonexistent-bin:/usr/bin:/bin' }
    for (const shell of SHELLS) {
      // No notify directory at all (nothing checked yet), then an unreadable notice, then a directory where the probe goes.
      for (const body of [text, strict])
        expect(runFile(body, shell, noPath)).toMatchObject({ status: 0, stdout: 'ARGS=hi\n', stderr: '' })
    }
    mkdirSync(join(home, 'notify', 'work.probe'), { recursive: true })
    writeFileSync(join(home, 'notify', 'work.notice'), 'claude-work: something\n', { mode: 0o000 })
    for (const shell of SHELLS)
      for (const body of [text, strict])
        expect(runFile(body, shell, noPath)).toMatchObject({ status: 0, stdout: 'ARGS=hi\n', stderr: '' })
    // stderr a pipe: the notice is left for a terminal.
    chmodSync(join(home, 'notify', 'work.notice'), 0o600)
    expect(runFile(text, 'sh', noPath).stderr).toBe('')
    expect(readFileSync(join(home, 'notify', 'work.notice'), 'utf8')).toBe('claude-work: something\n')
  })

  it('do nothing at all with CLAUDE_MULTI_NOTIFY=0: no probe file is even touched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-notify-'))
    const home = join(dir, 'home')
    mkdirSync(join(home, 'notify'), { recursive: true })
    const text = renderWrapper(spec({ notify: { home } }))
    for (const shell of SHELLS)
      expect(runFile(text, shell, { CLAUDE_MULTI_NOTIFY: '0' })).toMatchObject({ status: 0, stdout: 'ARGS=hi\n' })
    expect(existsSync(join(home, 'notify', 'work.probe'))).toBe(false)
    expect(runFile(text, 'sh').status).toBe(0)
    expect(existsSync(join(home, 'notify', 'work.probe'))).toBe(true)
  })
})
