import { writeFileAtomic } from '../state/atomic.js'
import { requireInstance } from '../state/config.js'
import { saveLock } from '../state/lock.js'
import { saveOverrides } from '../state/overrides.js'
import { savePrevious } from '../state/previous.js'
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
