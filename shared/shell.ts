/**
 * The two directions of POSIX shell quoting that wrappers need: quoting any value so the shell
 * reads it back byte for byte, and reading back the (static) words a user may have typed by hand.
 */
import { CliError } from './errors.js'
import { isOneLine } from './values.js'

/** Single quotes make every byte literal; a quote itself is closed, escaped and reopened. */
export function shQuote(value: string): string {
  if (!isOneLine(value)) throw new CliError('E_VALUE', 'a wrapper value must not contain a newline or NUL', 1)
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/**
 * Reads one shell word at the start of `text` when its value is fixed (quotes and escapes only).
 * Returns undefined when the word expands anything (`$x`, `$(…)`, backticks, globs) or is followed
 * by more than a comment: such a value is the user's and is kept as written.
 */
/** Characters that make an unquoted word expand, glob or end the command: not a plain value. */
const DYNAMIC = '$`;&|<>()*?[]{}!'

export function readStaticWord(text: string): string | undefined {
  let out = ''
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (c === "'") {
      const end = text.indexOf("'", i + 1)
      if (end === -1) return undefined
      out += text.slice(i + 1, end)
      i = end + 1
    } else if (c === '"') {
      i++
      for (;;) {
        if (i >= text.length) return undefined
        const d = text[i]!
        if (d === '"') break
        if (d === '$' || d === '`') return undefined
        if (d === '\\' && i + 1 < text.length && '$`"\\'.includes(text[i + 1]!)) {
          out += text[i + 1]
          i += 2
        } else {
          out += d
          i++
        }
      }
      i++
    } else if (c === '\\') {
      if (i + 1 >= text.length) return undefined
      out += text[i + 1]
      i += 2
    } else if (c === ' ' || c === '\t') {
      return /^[ \t]*(#[\s\S]*)?$/.test(text.slice(i)) ? out : undefined
    } else if (DYNAMIC.includes(c) || (c === '~' && i === 0)) {
      return undefined
    } else {
      out += c
      i++
    }
  }
  return out
}
