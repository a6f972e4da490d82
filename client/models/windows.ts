/**
 * `doctor --models` window check: where the provider's model list reports a model's window
 * (OpenRouter's `context_length`, and the like), the window Claude Code compacts at must fit in
 * it, or a long session dies with "prompt too long" before it compacts.
 */
import {
  CLAUDE_CODE_ASSUMED_WINDOW,
  COMPACT_WINDOW_ENV,
  MAIN_LOOP_ROLES,
  parseTokenCount,
  SUBAGENT_MODEL_ENV,
} from '../../shared/limits.js'
import type { InstanceModelReport, ModelRow } from './types.js'

const n = (v: number) => v.toLocaleString('en-US')
const inMainLoop = (row: ModelRow) =>
  (MAIN_LOOP_ROLES as readonly string[]).includes(row.role) || row.variable === SUBAGENT_MODEL_ENV

/** Notes each too-small main-loop model, marks the report not ok and gives the override to run. */
export function checkWindows(report: InstanceModelReport, env: Readonly<Record<string, string>>): void {
  const set = parseTokenCount(env[COMPACT_WINDOW_ENV])
  const compactsAt = Math.min(set ?? CLAUDE_CODE_ASSUMED_WINDOW, CLAUDE_CODE_ASSUMED_WINDOW)
  if (set !== undefined) report.compactWindow = set
  const tooSmall = report.rows.filter((r) => inMainLoop(r) && r.window !== undefined && r.window < compactsAt)
  if (!tooSmall.length) return
  const why =
    set === undefined
      ? `Claude Code assumes ${n(compactsAt)} (no ${COMPACT_WINDOW_ENV})`
      : `${COMPACT_WINDOW_ENV} is ${n(set)}`
  for (const row of tooSmall)
    row.note = `${row.note ? `${row.note}; ` : ''}the provider's window is ${n(row.window!)} tokens, ${why}`
  const fits = Math.min(...tooSmall.map((r) => r.window!))
  report.windowProblem = `the provider's window for ${tooSmall.map((r) => r.role).join(', ')} is smaller than where Claude Code compacts (${n(compactsAt)})`
  report.hint ??= `claude-multi override ${report.name} ${COMPACT_WINDOW_ENV}=${fits}, or sync if the template's newer version declares it`
  report.ok = false
}
