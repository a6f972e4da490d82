/**
 * Retired-model warnings for `outdated`, which otherwise reads only the entries: each managed
 * instance is planned (cached immutable documents, no writes) to see its current variables.
 */
import type { SyncContext } from '../sync/context.js'
import { planInstance } from '../sync/plan.js'
import { retiredWarnings, type RetiredWarning } from './retired-report.js'

export async function retiredForInstances(ctx: SyncContext, names: string[]): Promise<RetiredWarning[]> {
  const selected = names.length
    ? names
    : Object.keys(ctx.lock.instances).filter((n) => ctx.config.instances.some((i) => i.name === n))
  const settled = await Promise.allSettled(
    selected.filter((n) => ctx.lock.instances[n]).map((n) => planInstance(ctx, n)),
  )
  // `outdated` reports its own errors for these instances; an extra warning pass must never turn
  // a working `outdated` into a failing one, so whatever goes wrong here only costs the warning.
  return settled.flatMap((s) => (s.status === 'fulfilled' ? retiredWarnings(s.value) : []))
}
