/**
 * The model timeline on `/t/<id>`: one row per role, one column per version (oldest left), each
 * cell naming the model. Server-rendered SVG (the CSP allows no script, and none is needed), with a
 * title and description for screen readers and the same data as a table.
 */
import { ROLES, type Role } from '../../shared/roles.js'
import type { Template } from '../../shared/types.js'
import { dateOf } from './model.js'

export interface TimelineColumn {
  version: string
  date: string
  deprecated: boolean
}

export interface TimelineCell {
  model: string
  /** Differs from the version before (never set in the first column). */
  changed: boolean
  /** Named as retired (no longer served) by some published version. */
  retired: boolean
}

export interface TimelineData {
  columns: TimelineColumn[]
  rows: { role: Role; cells: TimelineCell[] }[]
}

/** Newest first in, oldest first out: time runs left to right. Versions without a document are skipped. */
export function timelineOf(
  newestFirst: string[],
  docs: Map<string, Template | null>,
  meta: (version: string) => { publishedAt?: string; deprecated?: string } | undefined,
): TimelineData {
  const versions = [...newestFirst].reverse().filter((v) => docs.get(v))
  const retired = new Set(versions.flatMap((v) => Object.keys(docs.get(v)!.retired ?? {})))
  const isRetired = (model: string) => retired.has(model) || retired.has(model.replace(/\[[^\]]*\]$/, ''))
  const columns = versions.map((v) => ({
    version: v,
    date: dateOf(meta(v)?.publishedAt),
    deprecated: Boolean(meta(v)?.deprecated),
  }))
  const rows = ROLES.map((role) => ({
    role,
    cells: versions.map((v, i) => {
      const model = docs.get(v)!.models[role] ?? ''
      const before = i > 0 ? (docs.get(versions[i - 1]!)!.models[role] ?? '') : model
      return { model, changed: model !== before, retired: model !== '' && isRetired(model) }
    }),
  }))
  return { columns, rows }
}

/** One sentence per role: where it started, each move with its version and date, where it is now. */
export function timelineSummary(data: TimelineData): string {
  return data.rows
    .map(({ role, cells }) => {
      const moves = cells.flatMap((cell, i) =>
        cell.changed
          ? [
              `${cell.model} in v${data.columns[i]!.version}${data.columns[i]!.date ? ` (${data.columns[i]!.date})` : ''}`,
            ]
          : [],
      )
      const first = cells[0]?.model ?? ''
      const now = cells.at(-1)
      const retiredNow = now?.retired ? ', which is retired' : ''
      return moves.length
        ? `${role}: ${first} in v${data.columns[0]!.version}, then ${moves.join(', then ')}; now ${now!.model}${retiredNow}.`
        : `${role}: ${first} in every version${retiredNow}.`
    })
    .join(' ')
}

const LABEL_W = 70
const COL_W = 144
const HEAD_H = 58
const ROW_H = 32
/** Monospace at 12px fits about this many characters in a cell; the full name is in the cell's title. */
const FIT = 16
const clip = (text: string) => (text.length > FIT ? `${text.slice(0, FIT - 1)}…` : text)

export function Timeline({ name, data }: { name: string; data: TimelineData }) {
  const { columns, rows } = data
  if (columns.length === 0) return null
  const width = LABEL_W + columns.length * COL_W
  const height = HEAD_H + rows.length * ROW_H
  const summary = timelineSummary(data)
  return (
    <>
      <div class="scroll timeline">
        <svg
          class="tl"
          width={width}
          height={height}
          viewBox={`0 0 ${width} ${height}`}
          role="img"
          aria-labelledby="tl-title tl-desc"
          xmlns="http://www.w3.org/2000/svg"
        >
          <title id="tl-title">{`Models of ${name} by role, version by version`}</title>
          <desc id="tl-desc">{summary}</desc>
          {columns.map((col, i) => (
            <g class={col.deprecated ? 'head dep' : 'head'}>
              <text x={LABEL_W + i * COL_W + 6} y={18} class="ver">
                v{col.version}
              </text>
              <text x={LABEL_W + i * COL_W + 6} y={33} class="date">
                {col.date}
              </text>
              {col.deprecated ? (
                <text x={LABEL_W + i * COL_W + 6} y={48} class="date">
                  deprecated
                </text>
              ) : null}
            </g>
          ))}
          {rows.map((row, r) => (
            <g>
              <text x={4} y={HEAD_H + r * ROW_H + 20} class="role">
                {row.role}
              </text>
              {row.cells.map((cell, i) => {
                const x = LABEL_W + i * COL_W
                const y = HEAD_H + r * ROW_H
                const kind = ['cell', cell.changed ? 'chg' : '', cell.retired ? 'ret' : ''].filter(Boolean).join(' ')
                const label = `${row.role} in v${columns[i]!.version}: ${cell.model || '(none)'}${cell.changed ? ', changed' : ''}${cell.retired ? ', retired' : ''}`
                return (
                  <g class={kind}>
                    <title>{label}</title>
                    <rect x={x + 2} y={y + 3} width={COL_W - 4} height={ROW_H - 6} rx={5} />
                    <text x={x + 8} y={y + 20}>
                      {clip(cell.model)}
                    </text>
                    {cell.retired ? (
                      <line
                        x1={x + 8}
                        y1={y + 16}
                        x2={x + 8 + Math.min(clip(cell.model).length, FIT) * 7.2}
                        y2={y + 16}
                      />
                    ) : null}
                  </g>
                )
              })}
            </g>
          ))}
        </svg>
      </div>
      <p class="muted legend">
        <span class="key chg">highlighted</span>: changed in that version · <span class="key ret">struck through</span>:
        retired, the provider no longer serves it.
      </p>
      <details class="tl-table">
        <summary>The timeline as a table</summary>
        <div class="scroll">
          <table>
            <caption class="muted">{`Models of ${name} by role and version`}</caption>
            <thead>
              <tr>
                <th scope="col">Role</th>
                {columns.map((col) => (
                  <th scope="col">
                    v{col.version}
                    <div class="var">{col.date}</div>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr>
                  <th scope="row">{row.role}</th>
                  {row.cells.map((cell) => (
                    <td class={cell.changed ? 'mono model' : 'mono'}>
                      {cell.changed ? <strong>{cell.model}</strong> : cell.model}
                      {cell.changed ? <div class="var">changed</div> : null}
                      {cell.retired ? <div class="var">retired</div> : null}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  )
}
