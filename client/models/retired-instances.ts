/**
 * Retired-model warnings for `outdated`, which otherwise reads only the index: each managed
 * instance is planned (cached immutable documents, no writes) to see its current variables.
 */
import { CliError } from '../../shared/errors.js'
import type { SyncContext } from '../sync/context.js'
import { planInstance } from '../sync/plan.js'
import { retiredWarnings, type RetiredWarning } from './retired-report.js'

export async function retiredForInstances(ctx: SyncContext, names: string[]): Promise<RetiredWarning[]> {
  const selected = names.length ? names : Object.keys(ctx.lock.instances).filter((n) => ctx.config.instances.some((i) => i.name === n))
  const settled = await Promise.allSettled(selected.filter((n) => ctx.lock.instances[n]).map((n) => planInstance(ctx, n)))
  return settled.flatMap((s) => {
    if (s.status === 'fulfilled') return retiredWarnings(s.value)
    // The command reports its own errors for these instances; a warning pass must not add noise.
    if (s.reason instanceof CliError) return []
    throw s.reason
  })
}
