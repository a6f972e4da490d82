import { safeText } from '../../shared/text.js'
import type { Changelog } from '../sync/changelog.js'
import { c } from './colors.js'

/**
 * The changelog block under an instance in `sync`, `sync --dry-run` and `outdated --long`: newest
 * version first, each with its date, its deprecation and its changelog lines. Every string came
 * from a registry, so every one goes through safeText (one inert line each).
 */
/** Registry text on one line: a line break or tab inside a message becomes a space, the rest is escaped. */
const oneLine = (text: string) => safeText(text.replace(/\s*[\n\t]\s*/g, ' '))

export function renderChangelog(log: Changelog | undefined, indent = '  '): string {
  if (!log) return ''
  const out: string[] = []
  if (log.currentDeprecated)
    out.push(`${indent}${c.yellow(`${safeText(log.from)} (current) is deprecated: ${oneLine(log.currentDeprecated)}`)}`)
  if (!log.versions.length) return out.join('\n')
  out.push(`${indent}${c.bold(`changes ${safeText(log.from)} → ${safeText(log.to)}`)} ${c.dim('(newest first)')}`)
  for (const v of log.versions) {
    const head = `${indent}  ${c.bold(safeText(v.version))}${v.date ? c.dim(` (${safeText(v.date)})`) : ''}`
    out.push(v.deprecated ? `${head} ${c.yellow(`deprecated: ${oneLine(v.deprecated)}`)}` : head)
    if (v.unavailable) out.push(`${indent}    ${c.dim(`changelog unavailable: ${safeText(v.unavailable)}`)}`)
    else if (!v.lines.length) out.push(`${indent}    ${c.dim('no changelog')}`)
    for (const line of v.lines) out.push(`${indent}    ${oneLine(line)}`)
  }
  if (log.omitted)
    out.push(
      `${indent}  ${c.dim(`… and ${log.omitted} older version${log.omitted === 1 ? '' : 's'} since ${safeText(log.from)}`)}`,
    )
  return out.join('\n')
}
