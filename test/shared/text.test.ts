import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { safeJson, safeText, unsafeTextProblem } from '../../shared/text.js'
import { validateTemplate } from '../../shared/schema.js'
import type { Template } from '../../shared/types.js'

const glm = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../registry/templates/glm/1.5.0.json'), 'utf8'),
) as Template
const router = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../registry/templates/openrouter/1.0.0.json'), 'utf8'),
) as Template
const UNSAFE = [
  '\u001b',
  '\u0007',
  '\u0000',
  '\r',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u061c',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
  '\u2028',
  '\u2029',
]
const LEFT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

describe('safeText / safeJson (shared/text.ts)', () => {
  it('turns every control and bidi character into a visible escape and leaves other text alone', () => {
    expect(safeText('glm-5.3[1m] é 中文 ✓')).toBe('glm-5.3[1m] é 中文 ✓')
    expect(safeText('claude-sonnet-4\u001b[2K\rgpt')).toBe('claude-sonnet-4\\x1b[2K\\x0dgpt')
    expect(safeText('a\u202eb')).toBe('a\\u202eb')
    expect(safeText('l1\nl2\tx', { keepNewlines: true })).toBe('l1\nl2\tx')
    expect(safeText('l1\nl2')).toBe('l1\\x0al2')
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(safeText(s)).not.toMatch(LEFT)
        expect(safeText(s)).not.toMatch(/\n|\t/)
        expect(JSON.parse(safeJson(s))).toBe(s)
        expect(safeJson({ s })).not.toMatch(LEFT)
      }),
    )
  })

  it('names the first unsafe character', () => {
    expect(unsafeTextProblem('ok')).toBeUndefined()
    expect(unsafeTextProblem('a\u001bb')).toMatch(/\\x1b at 1/)
    expect(unsafeTextProblem('line\nline', { multiline: true })).toBeUndefined()
  })
})

describe('the schema refuses control and bidi characters in every string', () => {
  const cases: [string, (t: Template, bad: string) => unknown][] = [
    ['name', (t, b) => ({ ...t, name: `GLM${b}` })],
    ['description', (t, b) => ({ ...t, description: `x${b}` })],
    ['homepage', (t, b) => ({ ...t, homepage: `https://z.ai/${b}` })],
    ['baseUrl', (t, b) => ({ ...t, baseUrl: `https://api.z.ai/${b}` })],
    ['models.sonnet', (t, b) => ({ ...t, models: { ...t.models, sonnet: `claude-sonnet-4${b}` } })],
    ['env.API_TIMEOUT_MS', (t, b) => ({ ...t, env: { API_TIMEOUT_MS: `1${b}` } })],
    ['changelog', (t, b) => ({ ...t, changelog: `fine\n${b}` })],
    ['deprecated', (t, b) => ({ ...t, deprecated: `use 1.6${b}` })],
    ['retired', (t, b) => ({ ...t, retired: { [`glm-5.1${b}`]: 'glm-5.3' } })],
    ['inputs[0].description', (_t, b) => ({ ...router, inputs: [{ name: 'model', description: `slug${b}` }] })],
    [
      'inputs[0].default',
      (_t, b) => ({ ...router, inputs: [{ name: 'model', description: 'slug', default: `x${b}` }] }),
    ],
  ]
  for (const [field, make] of cases) {
    it(field, () => {
      for (const bad of UNSAFE) {
        // A newline is a line break to a changelog, and nothing to hide behind there.
        if (bad === '\n' && field === 'changelog') continue
        const r = validateTemplate(make(glm, bad))
        expect(r.ok, `${field} with U+${bad.codePointAt(0)!.toString(16)}`).toBe(false)
      }
    })
  }
  it('still accepts multi-line changelogs and the catalogue as it is', () => {
    expect(validateTemplate({ ...glm, changelog: 'one\n\ttwo' }).ok).toBe(true)
    expect(validateTemplate(glm).ok).toBe(true)
  })
})

describe('safeJson keeps pretty JSON parseable', () => {
  it('indents with real newlines and escapes only inside strings', () => {
    const v = { a: ['x\u202ey', '\u0085'], b: { c: 'l1\nl2' } }
    expect(JSON.parse(safeJson(v, 2))).toEqual(v)
    expect(safeJson(v, 2)).toContain('\n  "a"')
  })
})
