/** Pure rendering of a `doctor --models` report: one table per instance, then a summary line. */
import pc from 'picocolors'
import { formatTable } from '../../shared/table.js'
import type { InstanceModelReport, ModelRow, ModelsReport } from './types.js'

type Colors = ReturnType<typeof pc.createColors>

function statusCell(row: ModelRow, c: Colors): string {
  const via = row.via === 'probe' ? ' (probe)' : ''
  if (row.status === 'served') return c.green(`served${via}`)
  if (row.status === 'not-served') return c.red(c.bold(`NOT SERVED${via}`))
  return c.yellow('unknown')
}

export function renderInstance(inst: InstanceModelReport, c: Colors): string[] {
  const listed = inst.listed === null ? '' : `, ${inst.listed} model${inst.listed === 1 ? '' : 's'} listed`
  const lines = [
    `${c.bold(inst.name)}${inst.source ? c.dim(` (${inst.source})`) : ''} → ${inst.baseUrl}${c.dim(listed)}`,
  ]
  if (!inst.rows.length) lines.push('  no model is mapped')
  else {
    // The provider's window per model, when its list reports one (OpenRouter, Moonshot, ...).
    const windows = inst.rows.some((r) => r.window !== undefined)
    const table = [['Role', 'Model', 'Status', ...(windows ? ['Window'] : []), ''].map((h) => c.dim(h))]
    for (const row of inst.rows)
      table.push([
        row.role,
        row.model,
        statusCell(row, c),
        ...(windows ? [row.window?.toLocaleString('en-US') ?? ''] : []),
        row.note ? c.dim(row.note) : '',
      ])
    lines.push(formatTable(table, { indent: '  ' }))
  }
  if (inst.listed === null && !inst.error && inst.rows.some((r) => !r.via)) {
    lines.push(`  ${c.yellow('!')} the provider has no model list (GET /v1/models)`)
  }
  for (const note of inst.notes ?? []) lines.push(`  ${c.yellow('!')} ${note}`)
  if (inst.windowProblem) lines.push(`  ${c.red('✖')} ${inst.windowProblem}`)
  if (inst.error) lines.push(`  ${c.red('✖')} ${inst.error.message}`)
  if (inst.hint) lines.push(`  ${c.dim(`hint: ${inst.hint}`)}`)
  return lines
}

export function summaryLine(report: ModelsReport): string {
  const n = report.instances.length
  if (!n) return 'No instances to check.'
  if (report.ok) return `All mapped models are served (${n} instance${n === 1 ? '' : 's'}).`
  const parts: string[] = []
  for (const inst of report.instances) {
    const stale = inst.rows.filter((r) => r.status === 'not-served')
    if (stale.length) parts.push(`${inst.name}: ${stale.map((r) => `${r.role} (${r.model}) not served`).join(', ')}`)
    if (inst.error) parts.push(`${inst.name}: check failed`)
    else if (inst.windowProblem) parts.push(`${inst.name}: ${inst.windowProblem}`)
    else if (!stale.length && !inst.ok) parts.push(`${inst.name}: could not confirm every model`)
  }
  return `Problems: ${parts.join('; ')}.`
}

export function renderModelsReport(report: ModelsReport, opts: { color?: boolean } = {}): string {
  const c = pc.createColors(opts.color ?? false)
  const blocks = report.instances.map((i) => renderInstance(i, c).join('\n'))
  return `${[...blocks, summaryLine(report)].join('\n\n')}\n`
}
