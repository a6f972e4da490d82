/**
 * settings.json of an adopted instance is edited in place: only the `env` keys sync manages change,
 * every other byte (other settings, key order, a one-line array, comments, line endings) stays as
 * the user or Claude Code wrote it. jsonc-parser computes the minimal text edits.
 */
import { createRequire } from 'node:module'

type Jsonc = typeof import('jsonc-parser')
let jsonc: Jsonc | undefined
// Loaded on first use: only adopted instances need it, and `sync --check` must stay light.
const load = (): Jsonc => (jsonc ??= createRequire(import.meta.url)('jsonc-parser') as Jsonc)

export interface SettingsStyle {
  insertSpaces: boolean
  tabSize: number
  eol: string
}

/** The indentation and line ending the file already uses, so inserted keys look like their neighbours. */
export function styleOf(text: string): SettingsStyle {
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? '  '
  return indent.includes('\t')
    ? { insertSpaces: false, tabSize: 1, eol }
    : { insertSpaces: true, tabSize: Math.max(1, indent.length), eol }
}

/**
 * Sets `env[k]` for every managed key whose value changes, removes the managed keys `next` no longer
 * has, and leaves everything else alone. `managed` is the set of keys sync owns (string values,
 * never the key variable).
 */
export function editSettingsEnv(text: string, managed: Record<string, string>, next: Record<string, string>): string {
  const formattingOptions = styleOf(text)
  let out = text
  const { applyEdits, modify } = load()
  const apply = (key: string, value: string | undefined) => {
    out = applyEdits(out, modify(out, ['env', key], value, { formattingOptions }))
  }
  for (const key of Object.keys(managed)) if (!(key in next)) apply(key, undefined)
  for (const [key, value] of Object.entries(next)) if (managed[key] !== value) apply(key, value)
  return out
}
