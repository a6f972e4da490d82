/**
 * Users edit wrappers by hand, editors convert line endings, disks truncate files. Whatever the
 * wrapper looks like, `parseWrapper` answers with a parse or a CliError (never a TypeError), and
 * `spliceWrapper` rewrites only the block: every byte before and after it survives, and so does
 * every line the user wrote inside it.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BLOCK_END, BLOCK_START, parseWrapper, renderWrapper, spliceWrapper } from '../../shared/wrapper.js'
import { checkParseAndSplice } from '../helpers/wrapper-checks.js'
import {
  envName,
  fcParams,
  hostileFragments,
  hostileValue,
  isOpenBug,
  runs,
  withoutOpenBugs,
} from '../helpers/arbitraries.js'

const value = hostileValue('/tmp/never-created')

const specArb = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
  configDir: value,
  claudePath: value,
  authVar: fc.constantFrom('ANTHROPIC_AUTH_TOKEN' as const, 'ANTHROPIC_API_KEY' as const),
  key: fc.oneof(fc.constant(null), fc.constant({ file: '/home/u/.claude-x/api-key' }), fc.constant({ env: 'MY_KEY' })),
  env: fc.dictionary(envName, value, { maxKeys: 8 }),
  source: fc.option(fc.constant('glm@2.1.0 from public'), { nil: undefined }),
})

/** Lines a user (or an editor, or a bad merge) might put anywhere. */
const lineArb = fc.oneof(
  fc.constantFrom(
    BLOCK_START,
    BLOCK_END,
    `${BLOCK_START}  `,
    `${BLOCK_END}\r`,
    `  ${BLOCK_START}`,
    BLOCK_START.slice(0, 12),
    '# source: evil@6.6.6 from nowhere',
    'export FOO=bar',
    'export FOO="$HOME/x"',
    'export FOO=$(date)',
    "export FOO='unterminated",
    'export FOO="unterminated',
    'export FOO=a\\',
    'export  ANTHROPIC_MODEL = broken',
    'export ANTHROPIC_MODEL=glm-5.1 # my pick',
    'export ANTHROPIC_MODEL=\'a\'"b"c\\ d',
    'unset ANTHROPIC_SMALL_FAST_MODEL',
    'exec /usr/bin/env claude "$@"',
    'ANTHROPIC_AUTH_TOKEN=$(cat key) # claude-multi:key',
    '',
    '\r',
    '\t',
    '#',
  ),
  fc.constantFrom(...hostileFragments('/tmp/never-created')),
  fc.tuple(envName, value).map(([n, v]) => `export ${n}=${v}`),
  fc.string({ unit: 'binary', maxLength: 40 }).map(withoutOpenBugs),
)

type Mutation =
  | { op: 'insert' | 'replace'; at: number; line: string }
  | { op: 'delete' | 'truncate' | 'swap'; at: number; other: number }
  | { op: 'crlf' | 'chop-newline' | 'duplicate' | 'bom' }

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ op: fc.constantFrom('insert' as const, 'replace' as const), at: fc.nat(), line: lineArb }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constantFrom('delete' as const, 'truncate' as const, 'swap' as const),
      at: fc.nat(),
      other: fc.nat(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constantFrom('crlf' as const, 'chop-newline' as const, 'duplicate' as const, 'bom' as const),
    }),
  },
)

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n')
  const n = lines.length
  switch (m.op) {
    case 'insert':
      lines.splice(m.at % (n + 1), 0, m.line)
      return lines.join('\n')
    case 'replace':
      lines[m.at % n] = m.line
      return lines.join('\n')
    case 'delete':
      lines.splice(m.at % n, 1)
      return lines.join('\n')
    case 'swap': {
      const a = m.at % n
      const b = m.other % n
      ;[lines[a], lines[b]] = [lines[b]!, lines[a]!]
      return lines.join('\n')
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1))
    case 'crlf':
      return text.replaceAll('\n', '\r\n')
    case 'chop-newline':
      return text.replace(/\n$/, '')
    case 'duplicate':
      return text + text
    case 'bom':
      return `\ufeff${text}`
  }
}

/** parse-source-keymark.json: a source ending in the key mark parses back as a key line. */
const sourceArb = isOpenBug('parse-source-keymark.json')
  ? value.filter((v) => !v.trimEnd().endsWith('# claude-multi:key'))
  : value

const mangledArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(specArb, fc.array(mutationArb, { maxLength: 6 }))
      .map(([spec, ms]) => ms.reduce(mutate, renderWrapper(spec))),
  },
  { weight: 1, arbitrary: fc.array(lineArb, { maxLength: 12 }).map((ls) => ls.join('\n')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }).map(withoutOpenBugs) },
)

describe('parseWrapper / spliceWrapper on mangled wrappers', () => {
  it('never throw anything but CliError and never lose a byte outside the block', () => {
    fc.assert(
      fc.property(
        mangledArb,
        fc.dictionary(envName, value, { maxKeys: 6 }),
        fc.option(sourceArb, { nil: undefined }),
        (text, env, source) => {
          checkParseAndSplice(text, env, source)
        },
      ),
      fcParams(runs(3000)),
    )
  })

  it('round-trip an unmangled wrapper exactly', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const text = renderWrapper(spec)
        const parsed = parseWrapper(text)
        expect(parsed.env).toEqual(spec.env)
        expect(spliceWrapper(parsed, spec.env, spec.source)).toBe(text)
      }),
      fcParams(runs(1000)),
    )
  })
})
