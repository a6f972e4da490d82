/**
 * Wrapper scripts: `claude-<name>` exports the provider variables inside one marked block, then
 * sets CLAUDE_CONFIG_DIR and execs claude. Only the block is ever rewritten; every byte outside it
 * belongs to the user, and inside it their unrecognized lines and hand-written quoting survive.
 */
import { CliError } from './errors.js'
import { refusedEnvProblem } from './env-refused.js'
import { clearedNames } from './isolation.js'
import { AUTH_VARS, ENV_NAME_RE, type AuthVar } from './roles.js'
import { NOTIFY_MARK, renderNotifyLines } from './notify-lines.js'
import { readStaticWord, shQuote } from './shell.js'

export const BLOCK_START = '# >>> claude-multi managed >>>'
export const BLOCK_END = '# <<< claude-multi managed <<<'
const SOURCE_PREFIX = '# source: '
/** Marks the generated lines that load the API key; they are regenerated, never merged. */
const KEY_MARK = ' # claude-multi:key'

export type KeySpec = { file: string } | { env: string } | null

export interface WrapperSpec {
  name: string
  configDir: string
  claudePath: string
  authVar: AuthVar
  key: KeySpec
  env: Record<string, string>
  /** Shown in the block, e.g. `glm@2.1.0 from public`. */
  source?: string
  /** Adds the update-notice lines (shared/notify-lines.ts) for this CLAUDE_MULTI_HOME. */
  notify?: { home: string }
}

export type BlockLine =
  | { kind: 'var'; name: string; value: string; dynamic: boolean; raw: string }
  | { kind: 'key'; raw: string }
  | { kind: 'notify'; raw: string }
  | { kind: 'source'; raw: string }
  | { kind: 'user'; raw: string }

export interface ParsedWrapper {
  /** Everything up to the start marker line, byte for byte. */
  before: string
  /** Everything after the end marker line (including its newline), byte for byte. */
  after: string
  lines: BlockLine[]
  /** Variables of the block in file order; a dynamic value holds its text as written. */
  env: Record<string, string>
  dynamic: Set<string>
  source?: string
  /** The block's lines end in CRLF (a wrapper saved by a Windows editor): rewritten lines do too. */
  crlf?: boolean
}

const exportLine = (name: string, value: string): string => {
  if (!ENV_NAME_RE.test(name)) throw new CliError('E_VALUE', `"${name}" is not a valid environment variable name`, 1)
  const refused = refusedEnvProblem(name)
  if (refused) throw new CliError('E_VALUE', refused, 1)
  return `export ${name}=${shQuote(value)}`
}

/**
 * The lines that put the API key into the template's auth variable at run time, then unset what
 * would send the request elsewhere or with another credential (shared/isolation.ts) — except what
 * the block itself exports (`exported`). They are regenerated on every sync, never merged. With no
 * key there is nothing to send: the wrapper stops rather than pass on whatever key the shell holds.
 */
export function renderKeyLines(
  name: string,
  authVar: AuthVar,
  key: KeySpec,
  exported: Iterable<string> = [],
): string[] {
  // The auth variable is written unquoted, so only the two known names may ever reach the script.
  if (!(AUTH_VARS as readonly string[]).includes(authVar))
    throw new CliError('E_VALUE', `"${authVar}" is not an API key variable (${AUTH_VARS.join(' or ')})`, 1)
  const fail = (message: string) => `{ printf '%s\\n' ${shQuote(`claude-${name}: ${message}`)} >&2; exit 1; }`
  if (!key)
    return [
      `${fail(`no API key is set up; set one with: claude-multi key ${name} --api-key-stdin (or --api-key-env VAR)`)}${KEY_MARK}`,
    ]
  const isolate = `unset ${clearedNames(authVar, exported).join(' ')}${KEY_MARK}`
  if ('file' in key) {
    const hint = `cannot read the API key from ${key.file}; set it with: claude-multi key ${name} --api-key-stdin`
    return [
      `${authVar}=$(cat ${shQuote(key.file)} 2>/dev/null) && [ -n "$${authVar}" ] || ${fail(hint)}${KEY_MARK}`,
      `export ${authVar}${KEY_MARK}`,
      isolate,
    ]
  }
  if (!ENV_NAME_RE.test(key.env))
    throw new CliError('E_VALUE', `"${key.env}" is not a valid environment variable name`, 2)
  return [
    `[ -n "\${${key.env}:-}" ] || ${fail(`${key.env} is not set; export it with your API key`)}${KEY_MARK}`,
    `export ${authVar}="$${key.env}"${KEY_MARK}`,
    isolate,
  ]
}

/** `lines` come as they will be written; with `crlf` the generated marker and source lines end in CR too. */
function renderBlock(lines: string[], source?: string, crlf = false): string {
  const cr = crlf ? '\r' : ''
  return `${[BLOCK_START + cr, ...(source ? [SOURCE_PREFIX + oneLine(source) + cr] : []), ...lines, BLOCK_END + cr].join('\n')}\n`
}

const oneLine = (text: string) => text.replace(/[\0\r\n]/g, ' ')

export function renderWrapper(spec: WrapperSpec): string {
  const vars = Object.entries(spec.env).map(([name, value]) => exportLine(name, value))
  const keyLines = renderKeyLines(spec.name, spec.authVar, spec.key, Object.keys(spec.env))
  const notifyLines = spec.notify ? renderNotifyLines(spec.name, spec.notify.home) : []
  return [
    '#!/bin/sh',
    `# claude-${oneLine(spec.name)}: Claude Code with provider settings, generated by claude-multi.`,
    '# `claude-multi sync` rewrites only the managed block and keeps your edits in it;',
    '# lines outside the block are yours and are never touched.',
    renderBlock([...vars, ...keyLines, ...notifyLines], spec.source) +
      `export CLAUDE_CONFIG_DIR=${shQuote(spec.configDir)}`,
    `exec ${shQuote(spec.claudePath)} "$@"`,
    '',
  ].join('\n')
}

// `[^]` and not `.`: a value may hold U+2028/U+2029, which `.` does not match.
const EXPORT_RE = /^[ \t]*export[ \t]+([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/

function parseLine(raw: string): BlockLine {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
  // The source line first: its text is free-form and may itself end like a key line.
  if (line.startsWith(SOURCE_PREFIX)) return { kind: 'source', raw }
  if (line.endsWith(KEY_MARK)) return { kind: 'key', raw }
  if (line.endsWith(NOTIFY_MARK)) return { kind: 'notify', raw }
  const m = EXPORT_RE.exec(line)
  if (!m) return { kind: 'user', raw }
  const value = readStaticWord(m[2]!)
  return value === undefined
    ? { kind: 'var', name: m[1]!, value: m[2]!, dynamic: true, raw }
    : { kind: 'var', name: m[1]!, value, dynamic: false, raw }
}

const isMarker = (line: string, marker: string) => line.trimEnd() === marker

/** Splits a wrapper into the user's bytes and the managed block; refuses a broken block. */
export function parseWrapper(text: string): ParsedWrapper {
  const lines = text.split('\n')
  const starts = lines.flatMap((l, i) => (isMarker(l, BLOCK_START) ? [i] : []))
  const ends = lines.flatMap((l, i) => (isMarker(l, BLOCK_END) ? [i] : []))
  if (starts.length === 0 && ends.length === 0) {
    throw new CliError(
      'E_WRAPPER',
      'the wrapper has no claude-multi managed block',
      1,
      'adopt it with `claude-multi adopt` or re-create it with `claude-multi add`',
    )
  }
  if (starts.length !== 1 || ends.length !== 1 || ends[0]! < starts[0]!) {
    throw new CliError(
      'E_WRAPPER',
      `the wrapper's managed block is broken (expected one "${BLOCK_START}" line followed by one "${BLOCK_END}" line)`,
      1,
      'restore the markers by hand or run `claude-multi rollback`',
    )
  }
  const start = starts[0]!
  const end = ends[0]!
  const block = lines.slice(start + 1, end).map(parseLine)
  const env: Record<string, string> = {}
  const dynamic = new Set<string>()
  let source: string | undefined
  for (const line of block) {
    if (line.kind === 'var') {
      // A later export wins in the shell, so it wins here too.
      delete env[line.name]
      env[line.name] = line.value
      if (line.dynamic) dynamic.add(line.name)
      else dynamic.delete(line.name)
    } else if (line.kind === 'source') {
      source = line.raw.replace(/\r$/, '').slice(SOURCE_PREFIX.length)
    }
  }
  return {
    before: lines
      .slice(0, start)
      .map((l) => `${l}\n`)
      .join(''),
    after: lines.slice(end + 1).join('\n'),
    lines: block,
    env,
    dynamic,
    ...(source === undefined ? {} : { source }),
    ...(lines[start]!.endsWith('\r') ? { crlf: true } : {}),
  }
}

/**
 * Rewrites only the block for a new variable set: each variable keeps its place and its line as
 * written when its value is unchanged; the user's own lines stay after the variable they followed.
 * `keyLines` replaces the key lines (e.g. when a new major changes the auth variable), `notifyLines`
 * the update-notice lines (`[]` removes them); each kept as it is when not given.
 */
export function spliceWrapper(
  parsed: ParsedWrapper,
  env: Record<string, string>,
  source?: string,
  keyLines?: string[],
  notifyLines?: string[],
): string {
  const leading: string[] = []
  const following = new Map<string, string[]>()
  const rawOf = new Map<string, BlockLine & { kind: 'var' }>()
  const orphans: string[] = []
  let current: string | undefined
  for (const line of parsed.lines) {
    if (line.kind === 'var') {
      current = line.name
      rawOf.set(line.name, line)
    } else if (line.kind === 'user') {
      if (current === undefined) leading.push(line.raw)
      else following.set(current, [...(following.get(current) ?? []), line.raw])
    }
  }
  for (const [name, raws] of following) if (!(name in env)) orphans.push(...raws)
  // A line written by hand keeps its bytes; a line generated here takes the block's line ending.
  const cr = parsed.crlf ? '\r' : ''
  const out = [...leading]
  for (const [name, value] of Object.entries(env)) {
    const prev = rawOf.get(name)
    out.push(prev && prev.value === value ? prev.raw : exportLine(name, value) + cr)
    out.push(...(following.get(name) ?? []))
  }
  out.push(...orphans)
  out.push(...(keyLines?.map((l) => l + cr) ?? parsed.lines.filter((l) => l.kind === 'key').map((l) => l.raw)))
  out.push(...(notifyLines?.map((l) => l + cr) ?? parsed.lines.filter((l) => l.kind === 'notify').map((l) => l.raw)))
  return parsed.before + renderBlock(out, source ?? parsed.source, parsed.crlf) + parsed.after
}

/** The same wrapper with other update-notice lines (`[]`: none); every other byte stays. */
export function withNotifyLines(parsed: ParsedWrapper, notifyLines: string[]): string {
  const cr = parsed.crlf ? '\r' : ''
  const kept = parsed.lines.filter((l) => l.kind !== 'notify' && l.kind !== 'source').map((l) => l.raw)
  return (
    parsed.before + renderBlock([...kept, ...notifyLines.map((l) => l + cr)], parsed.source, parsed.crlf) + parsed.after
  )
}
