import type { InstancePlan } from '../sync/plan.js'
import { label } from './labels.js'
import { maskValue } from './mask.js'

export type DiffStatus = 'same' | 'update' | 'kept' | 'override' | 'conflict' | 'added' | 'removed'

export interface DiffRow {
  key: string
  role?: string
  local?: string
  next?: string
  status: DiffStatus
}

/** Every variable of the instance: what it has now, what sync would leave, and why. */
export function diffRows(plan: InstancePlan): DiffRow[] {
  const keys = [...new Set([...Object.keys(plan.ours), ...Object.keys(plan.merge.env), ...Object.keys(plan.theirs)])]
  const conflicts = new Set(plan.merge.conflicts.map((x) => x.key))
  const kept = new Set(plan.merge.kept.map((x) => x.key))
  return keys.map((key) => {
    const local = plan.ours[key]
    const next = plan.merge.env[key]
    let status: DiffStatus
    if (conflicts.has(key)) status = 'conflict'
    else if (kept.has(key) && key in plan.overrides) status = 'override'
    else if (kept.has(key) && plan.theirs[key] !== local) status = 'kept'
    else if (local === next) status = 'same'
    else if (local === undefined) status = 'added'
    else if (next === undefined) status = 'removed'
    else status = 'update'
    const role = label(key)
    return {
      key,
      ...(role !== key ? { role } : {}),
      ...(local !== undefined ? { local: maskValue(key, local)! } : {}),
      ...(next !== undefined ? { next: maskValue(key, next)! } : {}),
      status,
    }
  })
}

export const STATUS_TEXT: Record<DiffStatus, string> = {
  same: '',
  update: 'update',
  kept: 'yours, kept',
  override: 'override, kept',
  conflict: 'CONFLICT: yours kept (--theirs takes upstream)',
  added: 'new',
  removed: 'removed',
}
