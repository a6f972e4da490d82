import { isDebug } from '../../shared/cli-support.js'
import { CliError } from '../../shared/errors.js'
import type { SyncContext } from './context.js'
import { planInstance, type InstancePlan, type PlanOptions } from './plan.js'

export interface PlanAllResult {
  plans: InstancePlan[]
  errors: { name: string; code: string; message: string; hint?: string }[]
  /** Instances in config.json that sync does not manage (older claude-multi, not adopted). */
  unmanaged: string[]
}

/** Managed instances by default; named ones must exist. One instance failing does not stop the rest. */
export async function planAll(ctx: SyncContext, names: string[], opts: PlanOptions = {}): Promise<PlanAllResult> {
  const all = ctx.config.instances.map((i) => i.name)
  for (const n of names)
    if (!all.includes(n))
      throw new CliError(
        'E_NO_INSTANCE',
        `unknown instance "${n}"${all.length ? ` (known: ${all.join(', ')})` : ''}`,
        1,
        'run `claude-multi list`',
      )
  const selected = names.length ? names : all.filter((n) => ctx.lock.instances[n])
  const unmanaged = names.length ? [] : all.filter((n) => !ctx.lock.instances[n])
  const settled = await Promise.allSettled(selected.map((n) => planInstance(ctx, n, opts)))
  const result: PlanAllResult = { plans: [], errors: [], unmanaged }
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') result.plans.push(s.value)
    else if (s.reason instanceof CliError)
      result.errors.push({
        name: selected[i]!,
        code: s.reason.code,
        message: s.reason.message.replace(`${selected[i]}: `, ''),
        ...(s.reason.hint ? { hint: s.reason.hint } : {}),
      })
    // Whatever one registry or document did to this instance, the others still get their plan.
    else if (isDebug(process.env.DEBUG)) throw s.reason
    else
      result.errors.push({
        name: selected[i]!,
        code: 'E_UNEXPECTED',
        message: `unexpected error: ${(s.reason as Error)?.message ?? String(s.reason)}`,
        hint: 'set DEBUG=claude-multi for details',
      })
  })
  return result
}
