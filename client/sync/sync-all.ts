/**
 * `sync` as the logic layer sees it: plan every instance, add the warnings sync's policy asks for,
 * apply the plans when there is a transaction, and the exit code the outcome means. The command
 * only parses, calls this, renders.
 */
import { describeRetiredWarning, retiredWarnings } from '../models/retired-report.js'
import type { Transaction } from '../state/transaction.js'
import { applyPlans } from './apply.js'
import type { SyncContext } from './context.js'
import { type PlanAllResult, planAll } from './run.js'

export type SyncMode = 'check' | 'dry-run' | 'sync'

export interface SyncOptions {
  mode: SyncMode
  theirs: boolean
  reset: boolean
  acceptContract: boolean
}

export interface SyncResult extends PlanAllResult {
  /** The instances written (only with a transaction, in mode `sync`). */
  written: string[]
}

export async function syncAll(
  ctx: SyncContext,
  names: string[],
  opts: SyncOptions,
  tx?: Transaction,
): Promise<SyncResult> {
  const r = await planAll(ctx, names, {
    theirs: opts.theirs,
    resetAll: opts.reset,
    acceptContract: opts.acceptContract,
  })
  // Current values (overrides included) naming a retired model: warned about, never rewritten; a
  // warning the sync itself fixes is not repeated when it writes.
  for (const p of r.plans)
    p.warnings.push(
      ...retiredWarnings(p)
        .filter((w) => opts.mode !== 'sync' || !w.fixedBySync)
        .map(describeRetiredWarning),
    )
  return { ...r, written: tx ? applyPlans(ctx, tx, r.plans) : [] }
}

/** 1 when an instance failed, 100 when `--check` finds something to change, else 0 (README: exit codes). */
export const syncExitCode = (mode: SyncMode, failed: number, pending: number): number =>
  failed ? 1 : mode === 'check' && pending ? 100 : 0

/** Read after the plan (and after the write): a changelog that cannot be read says so, it never fails the sync. */
export async function addChangelogs(
  ctx: SyncContext,
  summaries: {
    changed: boolean
    action: string
    registry: string
    template: string
    from: string
    to: string
    changelog?: unknown
  }[],
): Promise<void> {
  const { changelogBetween } = await import('./changelog.js')
  await Promise.all(
    summaries
      .filter((s) => s.changed && s.action === 'update')
      .map(async (s) => {
        const log = await changelogBetween(ctx, s.registry, s.template, s.from, s.to)
        if (log) s.changelog = log
      }),
  )
}
