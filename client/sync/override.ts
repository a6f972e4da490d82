/** `override`: the user's own values, saved and applied in one transaction (a refused value changes nothing). */
import { requireInstance } from '../state/config.js'
import { loadOverrides, type Overrides, saveOverrides } from '../state/overrides.js'
import type { Transaction } from '../state/transaction.js'
import { applyPlans } from './apply.js'
import type { SyncContext } from './context.js'
import { type InstancePlan, planInstance } from './plan.js'

/**
 * Sets (`value`), removes (`null`: kept out of the instance) and unsets (back to the template's
 * value) overrides, then applies them at once on the locked version: the next sync merges them
 * like any edit of yours.
 */
export async function overrideInstance(
  ctx: SyncContext,
  tx: Transaction,
  name: string,
  changes: readonly [string, string | null][],
  unset: readonly string[],
): Promise<{ overrides: Overrides; plan: InstancePlan }> {
  const inst = requireInstance(ctx.config, name)
  const overrides = loadOverrides(inst.configDir)
  for (const [k, v] of changes) overrides[k] = v
  for (const k of unset) delete overrides[k]
  saveOverrides(tx, inst.configDir, overrides)
  const plan = await planInstance(ctx, name, { stay: true, reset: [...unset] })
  applyPlans(ctx, tx, [plan])
  return { overrides, plan }
}
