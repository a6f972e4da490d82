import { writeFileAtomic } from '../state/atomic.js'
import { requireInstance } from '../state/config.js'
import { saveLock } from '../state/lock.js'
import { saveOverrides } from '../state/overrides.js'
import { loadPrevious, savePrevious, type Previous } from '../state/previous.js'
import type { SyncContext } from './context.js'
import type { InstancePlan } from './plan.js'

/**
 * Writes the plans that change something: per instance the previous state (for rollback), the
 * overrides `--theirs` gave up, then the target file; the lock last, once, for all of them.
 * Returns the names written.
 */
export function applyPlans(ctx: SyncContext, plans: InstancePlan[]): string[] {
  const written: string[] = []
  for (const plan of plans) {
    if (!plan.changed) continue
    const inst = requireInstance(ctx.config, plan.name)
    const entry = ctx.lock.instances[plan.name]!
    if (!interrupted(safePrevious(inst.configDir), plan.target.path, plan.currentText, entry))
      savePrevious(inst.configDir, { path: plan.target.path, text: plan.currentText, entry, savedAt: new Date().toISOString() })
    if (plan.dropOverrides.length) {
      const next = { ...plan.overrides }
      for (const k of plan.dropOverrides) delete next[k]
      saveOverrides(inst.configDir, next)
    }
    if (plan.nextText !== plan.currentText) writeFileAtomic(plan.target.path, plan.nextText)
    ctx.lock.instances[plan.name] = plan.nextEntry
    written.push(plan.name)
  }
  if (written.length) saveLock(ctx.paths, ctx.lock)
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
 * A run killed after writing the file but before the lock left a previous state taken from this
 * very lock entry with other bytes: that is the true "before", so this run (which completes the
 * interrupted one) keeps it for rollback instead of saving the half-done state over it.
 */
function interrupted(prev: Previous | undefined, path: string, text: string, entry: unknown): boolean {
  return prev !== undefined && prev.path === path && prev.text !== text && JSON.stringify(prev.entry) === JSON.stringify(entry)
}
