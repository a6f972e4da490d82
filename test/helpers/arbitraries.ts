/**
 * Generators of hostile strings for the property suites. Every fragment is something that has
 * broken shell quoting somewhere: quote closers, expansions, command separators, bash's internal
 * escape bytes (\x01, \x7f), bidi/line-separator unicode, and lengths past typical buffers.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { refusedEnvProblem } from '../../shared/env-refused.js'

/**
 * A bug found by these suites stays reproduced in test/fixtures/attacks/<file> with an `open` field
 * until the owner fixes it; meanwhile the generators avoid re-finding it, so the suites keep hunting
 * for new ones. Deleting the field once fixed turns the generators back on by itself.
 */
export function isOpenBug(fixture: string): boolean {
  const path = join(import.meta.dirname, '../fixtures/attacks', fixture)
  return existsSync(path) && typeof (JSON.parse(readFileSync(path, 'utf8')) as { open?: unknown }).open === 'string'
}

/** parse-u2029-value.json: U+2028/U+2029 in a value break parseWrapper. */
const LINE_SEPARATORS_OPEN = isOpenBug('parse-u2029-value.json')
export const withoutOpenBugs = (s: string): string => (LINE_SEPARATORS_OPEN ? s.replace(/[\u2028\u2029]/g, '') : s)

/** Bounded by default so CI stays fast; FC_RUNS raises it (e.g. FC_RUNS=100000). */
export const runs = (fallback: number): number => {
  const n = Number(process.env.FC_RUNS)
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback
}

/** fast-check prints the seed and the shrunk counterexample on failure; FC_SEED replays one. */
export const fcParams = (numRuns: number, opts: { shrink?: boolean } = {}): fc.Parameters<unknown> => {
  const seed = Number(process.env.FC_SEED)
  // A batched property names the failing case itself; shrinking a batch of 500 costs minutes.
  return { numRuns, ...(Number.isFinite(seed) ? { seed } : {}), verbose: 1, endOnFailure: opts.shrink === false }
}

export const hostileFragments = (canary: string): string[] => [
  "'",
  '"',
  '\\',
  "'\\''",
  `$(touch ${canary})`,
  `\`touch ${canary}\``,
  `;touch ${canary};`,
  `' ; touch ${canary} ; '`,
  `" ; touch ${canary} ; "`,
  `'$(touch ${canary})'`,
  `&& touch ${canary}`,
  `| touch ${canary}`,
  `> ${canary}`,
  `>${canary}`,
  `touch ${canary}`,
  "$'\\x27'",
  '$IFS',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…} is the hostile input under test
  '${IFS}',
  '$((1+1))',
  '$HOME',
  '$0',
  '$@',
  '$*',
  '$$',
  '!',
  '!!',
  '!-1',
  '\\!',
  '#',
  ' # not a comment',
  '~',
  '~root',
  '*',
  '?',
  '[a-z]',
  '{a,b}',
  '%s%n%x',
  '-n',
  '-e',
  '--',
  '=',
  'export X=1',
  '\t',
  ' ',
  '\x01',
  '\x7f',
  '\x1b[31m',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\u202e',
  '\ufeff',
  'é',
  'e\u0301',
  '日本語',
  '👍🏽',
  '𝔘',
  '\\n',
  '\\x00',
  '# >>> claude-multi managed >>>',
  '# <<< claude-multi managed <<<',
  ' # claude-multi:key',
]

const noLineBreak = (s: string) => !/[\0\r\n]/.test(s)

/** A value a template could carry: no NUL/CR/LF (the schema refuses those), anything else goes. */
export const hostileValue = (canary: string): fc.Arbitrary<string> => {
  const fragment = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...hostileFragments(canary)) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }).filter(noLineBreak) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  )
  return fc
    .oneof(
      { weight: 20, arbitrary: fc.array(fragment, { maxLength: 8 }).map((parts) => parts.join('')) },
      // Long values: past any fixed-size buffer or line limit a shell might have.
      {
        weight: 1,
        arbitrary: fc
          .tuple(fragment, fc.integer({ min: 100, max: 3000 }))
          .map(([f, n]) => (f || 'x').repeat(Math.ceil(n / Math.max(1, f.length)))),
      },
    )
    .map(withoutOpenBugs)
}

/**
 * Names the managed block refuses (the shell's own, and those that make programs load code): one list,
 * shared/env-refused.ts. They are covered by the attack fixtures, not generated here.
 */
export const isReservedName = (name: string): boolean => refusedEnvProblem(name) !== undefined

export const envName: fc.Arbitrary<string> = fc
  .stringMatching(/^[A-Z_][A-Z0-9_]{0,24}$/)
  .filter((n) => !isReservedName(n))
