import { safeText } from '../../shared/text.js'
import type { InstancePlan } from '../sync/plan.js'
import { describeHeld, type Held } from '../sync/hold.js'
import { c } from './colors.js'
import { label, show } from './labels.js'
import { maskValue } from './mask.js'
import { formatTable } from '../../shared/table.js'
import { renderChangelog } from './changelog.js'
import type { Changelog } from '../sync/changelog.js'
import type { SyncMode } from '../sync/sync-all.js'

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
  /** What sync does (or did) to it: see `statusText`. */
  action: SyncAction
  changes: { key: string; role?: string; from?: string; to?: string }[]
  kept: { key: string; yours?: string; upstream?: string }[]
  conflicts: { key: string; base?: string; yours?: string; upstream?: string; resolved: 'yours' | 'upstream' }[]
  droppedOverrides: string[]
  /** `--reset`: your values that go, as they are now. */
  reset?: { key: string; role?: string; yours?: string; template?: string }[]
  warnings: string[]
  /** A version the range reaches that sync holds back (a contract change, a new major). */
  held?: Held
  /** Contract changes this sync applies (accepted, after a re-pin, or `diff --to`). */
  contract?: string[]
  /** Every version from `from` (exclusive) to `to`, newest first (`sync`, `--dry-run`, `outdated --long`). */
  changelog?: Changelog
}

export type SyncAction = 'none' | 'update' | 'downgrade' | 'recreate' | 'reset' | 'rewrite'

export function actionOf(plan: InstancePlan, reset: boolean): SyncAction {
  if (!plan.changed) return 'none'
  if (plan.recreated) return 'recreate'
  if (reset) return 'reset'
  if (plan.downgrade) return 'downgrade'
  return plan.current !== plan.wanted ? 'update' : 'rewrite'
}

export type { SyncMode }

const STATUS: Record<SyncAction, Record<SyncMode, string>> = {
  none: { check: 'up to date', 'dry-run': 'up to date', sync: 'up to date' },
  update: { check: 'update available', 'dry-run': 'would update', sync: 'updated' },
  downgrade: { check: 'DOWNGRADE available', 'dry-run': 'would DOWNGRADE', sync: 'downgraded' },
  recreate: {
    check: 'wrapper missing, sync re-creates it',
    'dry-run': 'would re-create the missing wrapper',
    sync: 're-created the missing wrapper',
  },
  reset: { check: 'reset pending', 'dry-run': 'would reset to the template', sync: 'reset to the template' },
  rewrite: { check: 'changes pending', 'dry-run': 'would rewrite', sync: 'rewritten' },
}

export const statusText = (a: SyncAction, mode: SyncMode) => STATUS[a][mode]

const m = (k: string, v: string | undefined) => maskValue(k, v)

export function summarize(plan: InstancePlan, theirs = false, reset = false): PlanSummary {
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
    action: actionOf(plan, reset),
    changes: plan.merge.changes
      .filter((x) => !conflictKeys.has(x.key))
      .map((x) => ({
        key: x.key,
        ...(label(x.key) !== x.key ? { role: label(x.key) } : {}),
        from: m(x.key, x.from),
        to: m(x.key, x.to),
      })),
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
    ...(reset
      ? {
          reset: plan.resetLoses.map((k) => ({
            key: k,
            ...(label(k) !== k ? { role: label(k) } : {}),
            yours: m(k, plan.ours[k]),
            template: m(k, plan.theirs[k]),
          })),
        }
      : {}),
    warnings: plan.warnings,
    ...(plan.held ? { held: plan.held } : {}),
    ...(plan.contract.length ? { contract: plan.contract } : {}),
  }
}

/** The held versions, one line each: shown by every sync mode, whatever else it prints. */
export const renderHeld = (summaries: PlanSummary[]): string[] =>
  summaries.flatMap((s) => (s.held ? [c.yellow(safeText(describeHeld(s.name, s.template, s.held)))] : []))

/** One aligned row per instance (and per failure): the table every sync mode starts with. */
export function renderStatusTable(
  summaries: PlanSummary[],
  errors: { name: string; code: string }[],
  mode: SyncMode,
): string {
  const colour = (a: SyncAction, t: string) =>
    a === 'none' ? c.dim(t) : a === 'downgrade' ? c.magenta(t) : c.yellow(t)
  const rows = summaries.map((s) => [
    c.bold(s.name),
    safeText(s.template),
    s.from === s.to
      ? safeText(s.from)
      : `${safeText(s.from)} → ${s.action === 'downgrade' ? c.magenta(safeText(s.to)) : c.green(safeText(s.to))}`,
    c.dim(safeText(`${s.registry}, ${s.range}`)),
    colour(s.action, statusText(s.action, mode)),
  ])
  for (const e of errors) rows.push([c.bold(e.name), '-', '-', '-', c.red(`failed (${e.code})`)])
  return formatTable([['Instance', 'Template', 'Version', 'Registry, range', 'Status'].map((h) => c.bold(h)), ...rows])
}

/** What changes in one instance, variable by variable; empty for one that stays as it is. */
export function renderDetails(s: PlanSummary, mode: SyncMode): string {
  if (!s.changed) return ''
  const head = `${c.bold(s.name)}: ${statusText(s.action, mode)}${s.from !== s.to ? safeText(` (${s.template} ${s.from} → ${s.to})`) : ''}`
  const rows: string[][] = []
  for (const r of s.reset ?? [])
    rows.push([label(r.key), show(r.key, r.yours), c.red('goes'), c.dim(`template: ${show(r.key, r.template)}`)])
  if (!s.reset) for (const x of s.changes) rows.push([label(x.key), show(x.key, x.from), '→', show(x.key, x.to)])
  for (const k of s.kept)
    rows.push([
      label(k.key),
      show(k.key, k.yours),
      c.cyan('kept'),
      c.dim(`yours; new version: ${show(k.key, k.upstream)}`),
    ])
  for (const x of s.conflicts)
    rows.push([
      label(x.key),
      show(x.key, x.yours),
      c.red('conflict'),
      `upstream ${show(x.key, x.upstream)} (was ${show(x.key, x.base)}); kept ${x.resolved}${x.resolved === 'yours' ? ', --theirs takes upstream' : ''}`,
    ])
  const lines = [head]
  if (rows.length) lines.push(formatTable(rows, { indent: '  ' }))
  for (const d of s.droppedOverrides)
    lines.push(`  override ${label(d)} removed (${s.reset ? 'reset' : 'upstream won its conflict'})`)
  if (s.contract?.length) lines.push(`  ${c.yellow(safeText(`contract changes: ${s.contract.join('; ')}`))}`)
  const log = renderChangelog(s.changelog)
  if (log) lines.push(log)
  return lines.join('\n')
}

/** Lines of a unified diff of the file, for `--dry-run`. */
export async function renderFileDiff(path: string, before: string, after: string): Promise<string> {
  if (before === after) return ''
  const { createTwoFilesPatch } = await import('diff')
  const patch = createTwoFilesPatch(path, path, maskSecrets(before), maskSecrets(after), '', '', { context: 2 })
  return (
    patch
      .split('\n')
      .slice(2)
      // The file-name lines end in a tab before the (empty) header: it is no control byte of the file.
      .map((l) => safeText(/^(?:---|\+\+\+) /.test(l) ? l.replace(/\t$/, '') : l))
      .map((l) => (l.startsWith('+') ? c.green(l) : l.startsWith('-') ? c.red(l) : l))
      .join('\n')
  )
}

/** settings.json of adopted instances carries the key in plain text: it never reaches the screen. */
const maskSecrets = (text: string) =>
  text
    .replace(/("ANTHROPIC_(?:AUTH_TOKEN|API_KEY)"\s*:\s*")([^"]+)(")/g, '$1****$3')
    .replace(/^(\s*(?:export\s+)?ANTHROPIC_(?:AUTH_TOKEN|API_KEY)=)(['"]?)([^'"$\s][^'"]*)\2$/gm, '$1****')
