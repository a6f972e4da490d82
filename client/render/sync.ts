import type { InstancePlan } from '../sync/plan.js'
import { c } from './colors.js'
import { label, show } from './labels.js'
import { maskValue } from './mask.js'
import { formatTable } from './table.js'

/** The plain data `--json` prints and the text output is built from. */
export interface PlanSummary {
  name: string
  template: string
  registry: string
  range: string
  from: string
  to: string
  latest?: string
  changed: boolean
  changes: { key: string; role?: string; from?: string; to?: string }[]
  kept: { key: string; yours?: string; upstream?: string }[]
  conflicts: { key: string; base?: string; yours?: string; upstream?: string; resolved: 'yours' | 'upstream' }[]
  droppedOverrides: string[]
  warnings: string[]
}

const m = (k: string, v: string | undefined) => maskValue(k, v)

export function summarize(plan: InstancePlan, theirs = false): PlanSummary {
  const conflictKeys = new Set(plan.merge.conflicts.map((x) => x.key))
  return {
    name: plan.name,
    template: plan.template,
    registry: plan.registry,
    range: plan.range,
    from: plan.current,
    to: plan.wanted,
    ...(plan.latest ? { latest: plan.latest } : {}),
    changed: plan.changed,
    changes: plan.merge.changes
      .filter((x) => !conflictKeys.has(x.key))
      .map((x) => ({ key: x.key, ...(label(x.key) !== x.key ? { role: label(x.key) } : {}), from: m(x.key, x.from), to: m(x.key, x.to) })),
    // A variable only the user has is theirs to keep, not news; report kept values upstream sets.
    kept: plan.merge.kept
      .filter((k) => k.theirs !== undefined || k.key in plan.base)
      .map((k) => ({ key: k.key, yours: m(k.key, k.ours), upstream: m(k.key, k.theirs) })),
    conflicts: plan.merge.conflicts.map((x) => ({
      key: x.key,
      base: m(x.key, x.base),
      yours: m(x.key, x.ours),
      upstream: m(x.key, x.theirs),
      resolved: theirs ? 'upstream' : 'yours',
    })),
    droppedOverrides: plan.dropOverrides,
    warnings: plan.warnings,
  }
}

export function renderSummary(s: PlanSummary, mode: 'check' | 'dry-run' | 'sync'): string {
  const moved = s.from !== s.to
  const head = `${c.bold(s.name)}  ${s.template} ${moved ? `${s.from} → ${c.green(s.to)}` : s.from} ${c.dim(`(${s.registry}, ${s.range})`)}`
  if (!s.changed) return `${head}  ${c.dim('up to date')}`
  const verb = mode === 'sync' ? '' : c.yellow(mode === 'check' ? '  update available' : '  would change')
  const rows: string[][] = []
  for (const x of s.changes) rows.push([label(x.key), show(x.key, x.from), '→', show(x.key, x.to)])
  for (const k of s.kept) rows.push([label(k.key), show(k.key, k.yours), c.cyan('kept'), c.dim(`yours; new version: ${show(k.key, k.upstream)}`)])
  for (const x of s.conflicts)
    rows.push([label(x.key), show(x.key, x.yours), c.red('conflict'), `upstream ${show(x.key, x.upstream)} (was ${show(x.key, x.base)}); kept ${x.resolved}${x.resolved === 'yours' ? ', --theirs takes upstream' : ''}`])
  const lines = [head + verb]
  if (rows.length) lines.push(formatTable(rows, { indent: '  ' }))
  for (const d of s.droppedOverrides) lines.push(`  override ${label(d)} removed (upstream won its conflict)`)
  return lines.join('\n')
}

/** Lines of a unified diff of the file, for `--dry-run`. */
export async function renderFileDiff(path: string, before: string, after: string): Promise<string> {
  if (before === after) return ''
  const { createTwoFilesPatch } = await import('diff')
  const patch = createTwoFilesPatch(path, path, maskSecrets(before), maskSecrets(after), '', '', { context: 2 })
  return patch
    .split('\n')
    .slice(2)
    .map((l) => (l.startsWith('+') ? c.green(l) : l.startsWith('-') ? c.red(l) : l))
    .join('\n')
}

/** settings.json of adopted instances carries the key in plain text: it never reaches the screen. */
const maskSecrets = (text: string) =>
  text.replace(/("ANTHROPIC_(?:AUTH_TOKEN|API_KEY)"\s*:\s*")([^"]+)(")/g, '$1****$3').replace(/^(\s*(?:export\s+)?ANTHROPIC_(?:AUTH_TOKEN|API_KEY)=)(['"]?)([^'"$\s][^'"]*)\2$/gm, '$1****')
