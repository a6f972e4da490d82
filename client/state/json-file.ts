import { readFileSync } from 'node:fs'
import { CliError } from '../../shared/errors.js'
import { fsStep } from './fs-errors.js'
import { overlay } from './overlay.js'

/** How a JSON file was formatted, so rewriting it keeps the user's (or claude-multi's) style. */
export interface JsonStyle {
  indent: string | number
  newline: boolean
}

export const DEFAULT_STYLE: JsonStyle = { indent: 2, newline: true }

export function detectStyle(text: string): JsonStyle {
  const m = /^\{\s*?\n([ \t]+)\S/.exec(text)
  const indent = m ? (m[1]!.includes('\t') ? '\t' : m[1]!.length) : 2
  return { indent, newline: text.endsWith('\n') }
}

export function formatJson(value: unknown, style: JsonStyle = DEFAULT_STYLE): string {
  return JSON.stringify(value, null, style.indent) + (style.newline ? '\n' : '')
}

/** A file's text, or undefined when it does not exist; staged writes of this command come first. */
export function readText(path: string): string | undefined {
  const over = overlay.get(path)
  if (over !== undefined) return over ?? undefined
  return readDiskText(path)
}

/** A file's text as it is on disk (no staged writes), or undefined when it does not exist. */
export function readDiskText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    return fsStep(
      path,
      () => {
        throw err
      },
      'read',
    )
  }
}

/**
 * Reads a JSON file; a missing file is `undefined`. A corrupt file is an error naming the path and
 * is never overwritten: the user may have something in it worth saving.
 */
export function readJson<T>(
  path: string,
  what = 'file',
  hint = 'fix it or move it away',
): { value: T; style: JsonStyle } | undefined {
  const text = readText(path)
  if (text === undefined) return undefined
  try {
    return { value: JSON.parse(text) as T, style: detectStyle(text) }
  } catch (err) {
    throw new CliError(
      'E_CORRUPT',
      `${what} ${path} is not valid JSON (${(err as Error).message}); it was left untouched`,
      1,
      hint,
    )
  }
}
