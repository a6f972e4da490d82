/**
 * Text from a registry reaches terminals, logs and web pages. Control characters can move the
 * cursor, rewrite a line or set the window title (ESC, BEL, OSC), and bidi overrides reorder what
 * is shown, so a model `claude-sonnet-4` could be something else. The schema refuses them in every
 * string; everything printed still goes through `safeText`, because an index, an old cache or a
 * user's own file was never checked by that schema.
 */

/**
 * C0 controls, DEL, C1 controls, the bidi embeddings/overrides/isolates and marks, and the Unicode
 * line and paragraph separators (a line break to some terminals and editors, not to others).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g')
/** The same, but tab and newline are allowed: changelogs and deprecation messages span lines. */
const UNSAFE_MULTILINE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

/** What is wrong with a string a registry supplies, or undefined when it may be shown as it is. */
export function unsafeTextProblem(text: string, opts: { multiline?: boolean } = {}): string | undefined {
  const found = (opts.multiline ? UNSAFE_MULTILINE : UNSAFE).exec(text)
  if (!found) return undefined
  return `must not contain control or bidi characters (found ${codeOf(found[0])} at ${found.index})`
}

const codeOf = (ch: string): string => {
  const cp = ch.codePointAt(0)!
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`
}

/**
 * The one escaping function for output: every unsafe character becomes a visible `\xNN` or
 * `\uNNNN`, so what is printed is exactly one line of inert text (with `keepNewlines`, newlines and
 * tabs stay, for multi-line messages built by us). A backslash is left alone: it is inert.
 */
export function safeText(text: string, opts: { keepNewlines?: boolean } = {}): string {
  if (!UNSAFE.test(text)) return text
  return text.replace(UNSAFE_ALL, (ch) => (opts.keepNewlines && (ch === '\n' || ch === '\t') ? ch : codeOf(ch)))
}

const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/**
 * JSON for a terminal or a log line: `JSON.stringify` leaves DEL, C1, bidi and U+2028/2029 raw
 * inside strings; here they become `\uNNNN` escapes, so the output is the same data, inert.
 */
export function safeJson(value: unknown, indent?: number): string {
  // JSON.stringify already escapes C0 inside strings; a raw newline here is indentation.
  return inertJson(JSON.stringify(value, null, indent))
}

const RAW_IN_JSON_ONE = new RegExp(RAW_IN_JSON.source)

/** The escaping of `safeJson` applied to JSON text someone else serialized (e.g. a logger's line). */
export function inertJson(json: string): string {
  if (!RAW_IN_JSON_ONE.test(json)) return json
  return json.replace(RAW_IN_JSON, (ch) => `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`)
}

/** SGR colour codes (what picocolors and citty emit); the one pattern the client and server strip. */
export const ANSI_SGR = /\x1b\[[0-9;]*m/g
export const stripAnsi = (text: string): string => text.replace(ANSI_SGR, '')
