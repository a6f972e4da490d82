import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sandbox, type Sandbox } from '../helpers/client.js'

/**
 * `doctor` compares each wrapper's update-notice lines (issue 15) with the `notify` setting: the
 * real binary, a temp CLAUDE_MULTI_HOME, the bundled catalogue (no network). Lines missing while
 * the notice is on cost only the notice (warning, exit 0); lines left while it is off start a
 * background check the user turned off (problem, exit 1). Each names the one command that fixes it.
 */

interface Finding {
  check: string
  status: 'ok' | 'warn' | 'fail'
  message: string
  hint?: string
}

const NOTIFY_MARK = ' # claude-multi:notify'

describe('doctor and the update-notice lines', () => {
  let sb: Sandbox
  let wrapper: string
  const env = { DOCTOR_TEST_KEY: 'sk-test-FAKE' }

  /** doctor --json: its exit code and the findings about notice lines. */
  function doctor(args: string[] = []): { code: number | null; notice: Finding[]; stdout: string } {
    const r = sb.cm(['doctor', '--json', ...args], { env })
    expect(r.stderr).toBe('')
    const out = JSON.parse(r.stdout) as { exitCode: number; checks: Finding[]; fixed: string[] }
    expect(out.exitCode).toBe(r.code)
    return { code: r.code, notice: out.checks.filter((c) => /update-notice/.test(c.message)), stdout: r.stdout }
  }
  /** Runs the hint's command (`claude-multi …` between backquotes) as the user would. */
  function runHint(hint: string | undefined): void {
    const m = /^`claude-multi ([^`]+)`/.exec(hint ?? '')
    expect(m, `a hint naming one command: ${hint}`).not.toBeNull()
    const r = sb.cm(m![1]!.split(' '), { env })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  }
  const withoutNotice = (text: string) =>
    text
      .split('\n')
      .filter((l) => !l.replace(/\r$/, '').endsWith(NOTIFY_MARK))
      .join('\n')

  beforeAll(() => {
    sb = sandbox()
    wrapper = join(sb.bin, 'claude-work')
    const add = sb.cm(['add', 'work', 'glm', '--api-key-env', 'DOCTOR_TEST_KEY'])
    expect(add.stderr).toBe('')
    expect(add.code).toBe(0)
  })
  afterAll(() => sb?.cleanup())

  it('says nothing about a wrapper as `add` wrote it', () => {
    expect(readFileSync(wrapper, 'utf8')).toContain(NOTIFY_MARK)
    expect(doctor()).toMatchObject({ code: 0, notice: [] })
  })

  it('warns (exit 0) when the lines are missing while notify is on, and `config set notify on` fixes it', () => {
    const full = readFileSync(wrapper, 'utf8')
    writeFileSync(wrapper, withoutNotice(full))
    const { code, notice } = doctor()
    expect(code).toBe(0)
    expect(notice).toEqual([
      {
        check: 'instance work',
        status: 'warn',
        message: 'the wrapper has no update-notice lines, so its launch shows no update notice',
        hint: '`claude-multi config set notify on` writes them into every wrapper',
        fix: { kind: 'notify' },
      },
    ])
    runHint(notice[0]!.hint)
    expect(readFileSync(wrapper, 'utf8')).toBe(full)
    expect(doctor()).toMatchObject({ code: 0, notice: [] })
  })

  it('warns when the lines were written for another CLAUDE_MULTI_HOME', () => {
    const full = readFileSync(wrapper, 'utf8')
    const moved = full
      .split('\n')
      .map((l) => (l.endsWith(NOTIFY_MARK) ? l.replaceAll(sb.home, '/elsewhere/.claude-multi') : l))
      .join('\n')
    expect(moved).not.toBe(full)
    writeFileSync(wrapper, moved)
    const { code, notice } = doctor()
    expect(code).toBe(0)
    expect(notice).toHaveLength(1)
    expect(notice[0]).toMatchObject({
      status: 'warn',
      hint: expect.stringMatching(/^`claude-multi config set notify on`/),
    })
    expect(notice[0]!.message).toContain(`not the ones for this instance and ${sb.home}`)
    runHint(notice[0]!.hint)
    expect(readFileSync(wrapper, 'utf8')).toBe(full)
  })

  it('accepts the lines of a wrapper saved with CRLF line ends', () => {
    const full = readFileSync(wrapper, 'utf8')
    try {
      writeFileSync(wrapper, full.replace(/\n/g, '\r\n'))
      expect(doctor().notice).toEqual([])
    } finally {
      writeFileSync(wrapper, full)
    }
  })

  it('fails (exit 1) when the lines are still there while notify is off, and `config set notify off` fixes it', () => {
    const full = readFileSync(wrapper, 'utf8')
    expect(sb.cm(['config', 'set', 'notify', 'off']).code).toBe(0)
    const off = readFileSync(wrapper, 'utf8')
    expect(off).toBe(withoutNotice(full))
    expect(doctor()).toMatchObject({ code: 0, notice: [] })
    // As after restoring a wrapper from a backup made while the notice was on.
    writeFileSync(wrapper, full)
    const { code, notice, stdout } = doctor()
    expect(code).toBe(1)
    expect(JSON.parse(stdout).failed).toBe(1)
    expect(notice).toEqual([
      {
        check: 'instance work',
        status: 'fail',
        message:
          'the wrapper still has the update-notice lines (it starts a background check at launch) but notify is off',
        hint: '`claude-multi config set notify off` takes them out of every wrapper',
        fix: { kind: 'notify' },
      },
    ])
    const text = sb.cm(['doctor'], { env })
    expect(text.code).toBe(1)
    expect(text.stdout).toContain(
      '✗ instance work: the wrapper still has the update-notice lines (it starts a background check at launch) but notify is off (`claude-multi config set notify off` takes them out of every wrapper)',
    )
    expect(text.stdout).toMatch(/1 problem\(s\).*`claude-multi doctor --fix` repairs 1 of them/)
    runHint(notice[0]!.hint)
    expect(readFileSync(wrapper, 'utf8')).toBe(off)
    expect(doctor()).toMatchObject({ code: 0, notice: [] })
  })

  it('`doctor --fix` brings the lines in line with the setting, both ways, and moves no other byte', () => {
    // notify is off (previous test): lines present → taken out.
    const off = readFileSync(wrapper, 'utf8')
    expect(sb.cm(['config', 'set', 'notify', 'on']).code).toBe(0)
    const on = readFileSync(wrapper, 'utf8')
    expect(sb.cm(['config', 'set', 'notify', 'off']).code).toBe(0)
    writeFileSync(wrapper, `${on}# my own line\n`)
    const fixed = sb.cm(['doctor', '--fix', '--json'], { env })
    expect(fixed.code).toBe(0)
    expect(JSON.parse(fixed.stdout).fixed).toEqual(['took out the update-notice lines of claude-work'])
    expect(readFileSync(wrapper, 'utf8')).toBe(`${off}# my own line\n`)
    // notify on, lines missing → written back.
    expect(sb.cm(['config', 'delete', 'notify']).code).toBe(0)
    writeFileSync(wrapper, off)
    const back = sb.cm(['doctor', '--fix'], { env })
    expect(back.code).toBe(0)
    expect(back.stdout).toContain('fixed wrote the update-notice lines of claude-work')
    expect(readFileSync(wrapper, 'utf8')).toBe(on)
    expect(doctor()).toMatchObject({ code: 0, notice: [] })
  })
})
