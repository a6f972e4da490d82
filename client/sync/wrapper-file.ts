/**
 * Facts read back from a wrapper file claude-multi wrote: enough to rebuild a lost lock entry or
 * config entry (`adopt`) and to find what belongs to an instance (`remove`, `rename`).
 */
import { BLOCK_END, BLOCK_START, type ParsedWrapper } from '../../shared/wrapper.js'
import { readStaticWord } from '../../shared/shell.js'
import type { KeyRef } from '../state/lock.js'

export const isOurWrapper = (text: string) => text.includes(BLOCK_START) && text.includes(BLOCK_END)

/** `CLAUDE_CONFIG_DIR` as the wrapper exports it (outside the block), when it is a plain value. */
export function configDirOf(text: string): string | undefined {
  for (const line of text.split('\n').reverse()) {
    const m = /^[ \t]*export[ \t]+CLAUDE_CONFIG_DIR=(.*?)\r?$/.exec(line)
    if (m) return readStaticWord(m[1]!)
  }
  return undefined
}

/** `glm@1.5.0 from public` → its parts. */
export function parseSource(
  source: string | undefined,
): { template: string; version: string; registry: string } | undefined {
  const m = source ? /^(.+)@([^@\s]+) from (\S+)$/.exec(source) : null
  return m ? { template: m[1]!, version: m[2]!, registry: m[3]! } : undefined
}

/** Where the key lines read the key from (see shared/wrapper.ts renderKeyLines). */
export function keyRefOf(parsed: ParsedWrapper): KeyRef {
  for (const line of parsed.lines) {
    if (line.kind !== 'key') continue
    const file = /=\$\(cat ('(?:[^']|'\\'')*') 2>\/dev\/null\)/.exec(line.raw)
    if (file) return { file: readStaticWord(file[1]!) ?? '' }
    const env = /^\[ -n "\$\{([A-Za-z_][A-Za-z0-9_]*):-\}" \]/.exec(line.raw)
    if (env) return { env: env[1]! }
  }
  return null
}
