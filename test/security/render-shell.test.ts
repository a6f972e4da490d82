/**
 * DESIGN "Security": no template, however hostile, makes the shell run anything; the rendered
 * wrapper sourced by bash (and by dash, Debian's /bin/sh) sets exactly the resolved values. With the
 * update-notice lines on (a hostile CLAUDE_MULTI_HOME, any allowed instance name), it exports
 * nothing more, writes no file but its notice stamp, and starts the background check exactly when
 * due, with that home and name (test/helpers/notice-stamps.ts).
 * Thousands of wrappers are sourced per shell process, each in its own subshell, so the default
 * 10,000 cases take seconds. FC_RUNS raises the count, FC_SEED replays a printed seed.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { CliError } from '../../shared/errors.js'
import { AUTH_VARS, type AuthVar } from '../../shared/roles.js'
import { renderNotifyLines } from '../../shared/notify-lines.js'
import { parseWrapper, renderKeyLines, renderWrapper, spliceWrapper, type WrapperSpec } from '../../shared/wrapper.js'
import { envName, fcParams, hostileValue, runs } from '../helpers/arbitraries.js'
import {
  type NoticeCase,
  fakeClaudeMulti,
  noticeCase,
  noticeEffectsProblem,
  prepareNotice,
} from '../helpers/notice-stamps.js'
import { SHELLS, baselineExports, sourceMany, type Shell, type SourcedCase } from '../helpers/shell-harness.js'

const work = mkdtempSync(join(tmpdir(), 'cm-render-shell-'))
const canary = join(work, 'CANARY')
afterAll(() => rmSync(work, { recursive: true, force: true }))

const TOTAL = runs(10_000)
const BATCH = 500
const baselines = Object.fromEntries(SHELLS.map((s) => [s, baselineExports(s)])) as Record<Shell, Set<string>>

type KeyCase = { kind: 'none' } | { kind: 'file'; content: string } | { kind: 'env'; name: string; value: string }

interface RenderCase {
  spec: WrapperSpec
  key: KeyCase
  /** Env of an older wrapper the spec's env is spliced over (the sync path). */
  previous?: Record<string, string>
  /** The update-notice lines are on; the spec's name is then `notice.name`. */
  notice?: NoticeCase
}

/** Variables the notice lines use and must leave unset; the home reaches only the background check. */
const NOTICE_SCRATCH = ['_cm_n', '_cm_l', '_cm_s', 'CLAUDE_MULTI_HOME']

const value = hostileValue(canary)
const nonEmpty = value.filter((v) => v.trim() !== '' && v.length < 2000)
// Built once: `chain` below runs per case, and building a regex arbitrary costs milliseconds.
// One wrapper in four has the notice lines: their stamps and forks cost several times a plain
// wrapper under load (2,500 of 10,000 still cover every launch state hundreds of times).
const maybeNotice = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: noticeCase(value) },
)

const renderCase: fc.Arbitrary<Omit<RenderCase, 'spec'> & { spec: Omit<WrapperSpec, 'key'> }> = fc
  .record({
    name: value,
    configDir: value,
    claudePath: value,
    authVar: fc.constantFrom<AuthVar>(...AUTH_VARS),
    env: fc.dictionary(envName, value, { maxKeys: 8 }),
    source: fc.option(value, { nil: undefined }),
    // A key file costs a fork+exec of cat per wrapper (~100x the rest), so it is generated less.
    // (No key at all makes the wrapper exit before exec, which would end this one-shell batch:
    // wrapper.test.ts and the e2e suites check that case.)
    key: fc.oneof(
      { weight: 1, arbitrary: nonEmpty.map<KeyCase>((content) => ({ kind: 'file', content })) },
      {
        weight: 10,
        arbitrary: fc
          .tuple(envName, nonEmpty)
          .map<KeyCase>(([name, v]) => ({ kind: 'env', name: `K${name}`, value: v })),
      },
    ),
  })
  .chain((c) =>
    fc.record({
      c: fc.constant(c),
      previous: fc.option(fc.dictionary(envName, value, { maxKeys: 6 }), { nil: undefined, freq: 3 }),
      notice: maybeNotice,
    }),
  )
  .map(({ c: { key, ...hostileSpec }, previous, notice }) => {
    // The notice lines accept only names the client allows (they become part of a file name).
    const spec = notice ? { ...hostileSpec, name: notice.name } : hostileSpec
    // The wrapper itself sets the auth variable and CLAUDE_CONFIG_DIR; a template never does (schema).
    const clean = (env: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(env).filter(
          ([n]) => n !== spec.authVar && n !== 'CLAUDE_CONFIG_DIR' && !(key.kind === 'env' && n === key.name),
        ),
      )
    // `previous`: the wrapper is what sync writes (spliced over an older render), not a fresh render.
    return {
      spec: { ...spec, env: clean(spec.env) },
      key,
      ...(previous ? { previous: clean(previous) } : {}),
      ...(notice ? { notice } : {}),
    }
  })

let keyFiles = 0
function materialize(c: Omit<RenderCase, 'spec'> & { spec: Omit<WrapperSpec, 'key'> }): RenderCase {
  const prev = { ...(c.previous ? { previous: c.previous } : {}), ...(c.notice ? { notice: c.notice } : {}) }
  if (c.key.kind === 'file') {
    const file = join(work, `key-${keyFiles++}`)
    writeFileSync(file, `${c.key.content}\n`, { mode: 0o600 })
    return { spec: { ...c.spec, key: { file } }, key: c.key, ...prev }
  }
  if (c.key.kind === 'env') return { spec: { ...c.spec, key: { env: c.key.name } }, key: c.key, ...prev }
  return { spec: { ...c.spec, key: null }, key: c.key, ...prev }
}

/**
 * The bytes under test: a fresh render, or (sync) the spec's env spliced into an older wrapper,
 * one written before the notice existed: the splice adds the notice lines, as sync does.
 */
function wrapperText(c: RenderCase, home?: string): string {
  const spec: WrapperSpec = home === undefined ? c.spec : { ...c.spec, notify: { home } }
  if (!c.previous) return renderWrapper(spec)
  // As sync does: the key lines are regenerated for the variables the block now exports.
  const keyLines = renderKeyLines(spec.name, spec.authVar, spec.key, Object.keys(spec.env))
  const notifyLines = home === undefined ? undefined : renderNotifyLines(spec.name, home)
  return spliceWrapper(
    parseWrapper(renderWrapper({ ...c.spec, env: c.previous })),
    spec.env,
    spec.source,
    keyLines,
    notifyLines,
  )
}

function expectedEnv(c: RenderCase): Record<string, string> {
  const out: Record<string, string> = { ...c.spec.env }
  if (c.key.kind === 'file') out[c.spec.authVar] = c.key.content
  if (c.key.kind === 'env') out[c.spec.authVar] = c.key.value
  out.CLAUDE_CONFIG_DIR = c.spec.configDir
  return out
}

const show = (v: unknown) => {
  const s = JSON.stringify(v) ?? 'undefined'
  return s.length > 300 ? `${s.slice(0, 300)}…(${s.length} chars)` : s
}

/** Writes a failing case where it can be copied into test/fixtures/attacks/; returns its path. */
function saveCase(c: RenderCase, home?: string): string {
  const dir = join(process.cwd(), 'test/artifacts/attacks-found')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `render-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.json`)
  writeFileSync(
    file,
    `${JSON.stringify({ kind: 'render', spec: c.spec, key: c.key, previous: c.previous, notice: c.notice, home }, null, 2)}\n`,
  )
  return file
}

/**
 * Sources every case in one shell and returns a description of the first mismatch, if any. Each
 * shell gets its own homes, fake `claude-multi` and record of starts under `batch`.
 */
async function check(shell: Shell, cases: RenderCase[], batch: string): Promise<string | undefined> {
  const homes = join(batch, `${shell}-homes`)
  const calls = join(batch, `${shell}-calls`)
  const bin = join(batch, `${shell}-bin`)
  fakeClaudeMulti(bin, calls)
  const notices = cases.map((c, i) => (c.notice ? prepareNotice(homes, i, c.notice) : undefined))
  const sourced: SourcedCase[] = cases.map((c, i) => {
    const preset = {
      ...(c.key.kind === 'env' ? { [c.key.name]: c.key.value } : {}),
      ...notices[i]?.preset,
    }
    return {
      text: wrapperText(c, notices[i]?.home),
      names: [...Object.keys(expectedEnv(c)), ...(notices[i] ? NOTICE_SCRATCH : [])],
      ...(Object.keys(preset).length ? { preset } : {}),
    }
  })
  const run = join(batch, `${shell}-run`)
  mkdirSync(run)
  const results = await sourceMany(shell, sourced, run, bin)
  for (const [i, c] of cases.entries()) {
    const r = results[i]!
    const expected = expectedEnv(c)
    const where = { toString: () => `${shell}, case ${saveCase(c, notices[i]?.home)}` }
    if (!r.values) return `${where}: the wrapper exited early: ${show(r.stderr)}`
    for (const [k, v] of Object.entries(expected)) {
      if (r.values[k] !== v) return `${where}: ${k} is ${show(r.values[k])}, expected ${show(v)}`
    }
    if (notices[i])
      for (const k of NOTICE_SCRATCH)
        if (r.values[k] !== '__UNSET__') return `${where}: ${k} is left set to ${show(r.values[k])}`
    const allowed = new Set([...baselines[shell], ...Object.keys(expected), ...Object.keys(sourced[i]!.preset ?? {})])
    const extra = [...r.exported!].filter((n) => !allowed.has(n))
    if (extra.length) return `${where}: unexpected exported variables ${extra.join(', ')}`
    if (r.execArgs?.length !== 1 || r.execArgs[0] !== c.spec.claudePath) return `${where}: exec got ${show(r.execArgs)}`
  }
  const names = cases.map((c) => c.notice?.name)
  const problem = await noticeEffectsProblem(notices, names, { homes, calls, run })
  return problem && `${shell}: ${problem}; cases: ${cases.map((c, i) => saveCase(c, notices[i]?.home)).join(', ')}`
}

describe('rendered wrappers sourced by a real shell', () => {
  it(`set exactly the resolved values and run nothing (${TOTAL} generated wrappers, bash and dash)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(renderCase, { minLength: BATCH, maxLength: BATCH }), async (raw) => {
        const cases = raw.map(materialize)
        const batch = mkdtempSync(join(work, 'batch-'))
        const problems = await Promise.all(SHELLS.map((shell) => check(shell, cases, batch)))
        rmSync(batch, { recursive: true, force: true })
        const ranSomething = existsSync(canary)
        rmSync(canary, { force: true })
        const problem = problems.find(Boolean)
        if (problem) throw new Error(problem)
        if (ranSomething)
          throw new Error(
            `the canary file was created by one of these wrappers: ${cases.map((c) => saveCase(c)).join(', ')}`,
          )
      }),
      fcParams(Math.max(1, Math.ceil(TOTAL / BATCH)), { shrink: false }),
    )
  }, 600_000)

  it('refuses (CliError) rather than render a value with a newline, CR or NUL', () => {
    // Which field breaks is generated; the rest of the case is hostile but valid.
    fc.assert(
      fc.property(
        renderCase,
        fc.constantFrom('\n', '\r', '\0'),
        fc.constantFrom('env', 'configDir', 'claudePath'),
        (c, bad, where) => {
          const spec = materialize({ ...c, previous: undefined } as Parameters<typeof materialize>[0]).spec
          const broken: WrapperSpec =
            where === 'env'
              ? { ...spec, env: { ...spec.env, BROKEN: `a${bad}touch ${canary}` } }
              : { ...spec, [where]: `${spec[where]}${bad}touch ${canary}` }
          expect(() => renderWrapper(broken)).toThrow(CliError)
        },
      ),
      fcParams(runs(200)),
    )
  })

  it('refuses (CliError) an invalid variable name instead of writing it into the script', () => {
    const names = [`A;touch ${canary}`, 'A=B', '1A', 'a-b', '$(id)', 'A B', '`id`', '', 'A\nB', 'export', 'A\u0130']
    for (const name of names) {
      const spec: WrapperSpec = {
        name: 'x',
        configDir: '/c',
        claudePath: '/bin/true',
        authVar: 'ANTHROPIC_AUTH_TOKEN',
        key: null,
        env: { [name]: 'v' },
      }
      expect(() => renderWrapper(spec), name).toThrow(CliError)
    }
  })
})

describe('the harness itself', () => {
  it('notices an unquoted value: wrong value, extra variable and the canary', async () => {
    const text = `export FOO=$(touch ${canary}; echo x) BAR=1\nexport CLAUDE_CONFIG_DIR=/c\nexec /bin/true "$@"\n`
    for (const shell of SHELLS) {
      const [r] = await sourceMany(shell, [{ text, names: ['FOO'] }])
      expect(r?.values?.FOO).toBe('x')
      expect(r?.exported?.has('BAR')).toBe(true)
      expect(existsSync(canary)).toBe(true)
      rmSync(canary)
    }
  })
})
