import { noticeFile, pendingNotice } from '../notify/files.js'
import { requireInstance } from '../state/config.js'
import { readDiskText } from '../state/json-file.js'
import { overridesFile } from '../state/paths.js'
import { saveLock } from '../state/lock.js'
import { saveOverrides } from '../state/overrides.js'
import { loadPrevious, savePrevious, type Previous } from '../state/previous.js'
import type { Transaction } from '../state/transaction.js'
import type { SyncContext } from './context.js'
import type { InstancePlan } from './plan.js'

/**
 * Stages the plans that change something: per instance the previous state (for rollback), the
 * overrides `--theirs` or `--reset` gave up, and the target file; the lock once for all of them.
 * All of it lands together when the transaction commits. Returns the names written.
 */
export function applyPlans(ctx: SyncContext, tx: Transaction, plans: InstancePlan[]): string[] {
  const written: string[] = []
  for (const plan of plans) {
    if (!plan.changed) continue
    const inst = requireInstance(ctx.config, plan.name)
    const entry = ctx.lock.instances[plan.name]!
    if (
      plan.currentText !== undefined &&
      !interrupted(safePrevious(inst.configDir), plan.target.path, plan.currentText, entry)
    )
      savePrevious(tx, inst.configDir, {
        path: plan.target.path,
        text: plan.currentText,
        entry,
        savedAt: new Date().toISOString(),
        // The file on disk, not what this transaction stages (`override` stages the new one first).
        overrides: readDiskText(overridesFile(inst.configDir)) ?? null,
      })
    if (plan.dropOverrides.length) {
      const next = { ...plan.overrides }
      for (const k of plan.dropOverrides) delete next[k]
      saveOverrides(tx, inst.configDir, next)
    }
    if (plan.nextText !== plan.currentText)
      tx.write(plan.target.path, plan.nextText, plan.currentText === undefined ? { mode: 0o755 } : {})
    ctx.lock.instances[plan.name] = plan.nextEntry
    // "1.6.0 is out — run: claude-multi sync" must not greet the user after they ran it.
    if (pendingNotice(ctx.paths.home, plan.name)) tx.write(noticeFile(ctx.paths.home, plan.name), '')
    written.push(plan.name)
  }
  if (written.length) saveLock(tx, ctx.paths, ctx.lock)
  return written
}

const safePrevious = (configDir: string): Previous | undefined => {
  try {
    return loadPrevious(configDir)
  } catch {
    return undefined
  }
}

/**
 * A run of an older claude-multi killed after writing the file but before the lock left a previous
 * state taken from this very lock entry with other bytes: that is the true "before", so this run
 * keeps it for rollback instead of saving the half-done state over it. (Runs of this version
 * cannot be interrupted that way: they commit through the journal.)
 */
function interrupted(prev: Previous | undefined, path: string, text: string, entry: unknown): boolean {
  return (
    prev !== undefined &&
    prev.path === path &&
    prev.text !== text &&
    JSON.stringify(prev.entry) === JSON.stringify(entry)
  )
}
