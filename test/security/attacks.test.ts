/**
 * Every attack that ever found a bug stays here as a regression case: one JSON file per attack in
 * test/fixtures/attacks/, replayed on every run. `{{CANARY}}` in a fixture is replaced by a path
 * that must never be created.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CliError } from '../../shared/errors.js'
import { validateTemplate } from '../../shared/schema.js'
import { parseWrapper, renderKeyLines, renderWrapper, spliceWrapper, type WrapperSpec } from '../../shared/wrapper.js'
import { SHELLS, sourceMany } from '../helpers/shell-harness.js'
import { checkParseAndSplice } from '../helpers/wrapper-checks.js'
import { REPLAYED_HERE } from '../helpers/attack-kinds.js'

const dir = join(import.meta.dirname, '../fixtures/attacks')
const work = mkdtempSync(join(tmpdir(), 'cm-attacks-'))
const canary = join(work, 'CANARY')
afterAll(() => rmSync(work, { recursive: true, force: true }))

type Fixture = { description: string; open?: string } & (
  | { kind: 'render'; spec: WrapperSpec; expect: 'exact' | 'refused' | 'throws'; previous?: Record<string, string> }
  | { kind: 'parse'; text: string; env: Record<string, string>; source?: string }
)

const withCanary = <T>(value: T): T => JSON.parse(JSON.stringify(value).replaceAll('{{CANARY}}', canary)) as T

const all = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, ...withCanary(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Fixture) }))
// Attacks on the registry, the client and the logs are replayed against real processes there.
const fixtures = all.filter((f) => f.kind === 'render' || f.kind === 'parse')

const templateWith = (env: Record<string, string>) => ({
  id: 'attack',
  version: '1.0.0',
  name: 'Attack',
  description: 'replayed attack fixture',
  baseUrl: 'https://api.example.com/anthropic',
  auth: 'ANTHROPIC_AUTH_TOKEN',
  models: { default: 'm', fast: 'm', sonnet: 'm', opus: 'm', haiku: 'm' },
  env,
  inputs: [],
})

/**
 * Sourced by bash and dash: exactly the spec's variables, exec of the claude path, no canary. With
 * `previous`, the wrapper is the spec's env spliced over an older render (what sync writes).
 */
async function expectExact(given: WrapperSpec, previous?: Record<string, string>): Promise<void> {
  // A wrapper without a key stops before exec; the fixtures read theirs from a variable instead.
  const spec: WrapperSpec = given.key ? given : { ...given, key: { env: 'CM_FIXTURE_KEY' } }
  const preset: Record<string, string> = given.key ? {} : { CM_FIXTURE_KEY: 'fixture-key' }
  const expected: Record<string, string> = {
    ...spec.env,
    ...(given.key ? {} : { [spec.authVar]: 'fixture-key' }),
    CLAUDE_CONFIG_DIR: spec.configDir,
  }
  const keyLines = renderKeyLines(spec.name, spec.authVar, spec.key, Object.keys(spec.env))
  const text = previous
    ? spliceWrapper(parseWrapper(renderWrapper({ ...spec, env: previous })), spec.env, spec.source, keyLines)
    : renderWrapper(spec)
  for (const shell of SHELLS) {
    const [r] = await sourceMany(shell, [{ text, names: Object.keys(expected), preset }])
    expect(r?.values, `${shell}: the wrapper exited early: ${r?.stderr}`).toBeDefined()
    expect(r!.values, shell).toEqual(expected)
    const extra = [...r!.exported!].filter(
      (n) => !(n in expected) && !(n in preset) && !['PATH', 'LC_ALL', 'PWD', 'OLDPWD', 'SHLVL', '_'].includes(n),
    )
    expect(extra, `${shell}: variables exported beyond the spec`).toEqual([])
    expect(r!.execArgs, shell).toEqual([spec.claudePath])
    expect(existsSync(canary), `${shell} ran something`).toBe(false)
  }
}

describe('replayed attacks (test/fixtures/attacks)', () => {
  it('has fixtures, each of a kind one of the replay suites knows', () => {
    expect(fixtures.length).toBeGreaterThan(0)
    for (const f of all) expect(['render', 'parse', ...REPLAYED_HERE], f.file).toContain((f as { kind: string }).kind)
  })

  for (const f of fixtures) {
    // An open bug must still reproduce (it.fails); once fixed this fails: delete `open` from the fixture.
    const test = f.open ? it.fails : it
    test(`${f.file}: ${f.open ? '[open] ' : ''}${f.description}`, async () => {
      if (f.kind === 'parse') return checkParseAndSplice(f.text, f.env, f.source)
      if (f.expect === 'exact') return expectExact(f.spec, f.previous)
      if (f.expect === 'throws') return void expect(() => renderWrapper(f.spec)).toThrow(CliError)
      // Refused: the schema never lets such a template in, and the renderer (which also renders
      // the user's overrides) either refuses the variable or sets it exactly.
      const res = validateTemplate(templateWith(f.spec.env))
      expect(res.ok, 'the schema must refuse this variable').toBe(false)
      let text: string | undefined
      try {
        text = renderWrapper(f.spec)
      } catch (error) {
        expect(error).toBeInstanceOf(CliError)
      }
      if (text !== undefined) await expectExact(f.spec)
    })
  }
})
