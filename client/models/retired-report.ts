/**
 * Retired-model warnings for `outdated` and `sync`: which of an instance's CURRENT variables (hand
 * edits and overrides.json included) name a model that the locked or the wanted version lists as
 * retired, whether sync fixes it, and, when it cannot (the value is the user's), the override
 * command that would. Pure: works on a sync plan; nothing here writes or changes an override.
 */
import type { Template } from '../../shared/types.js'
import { describeRetired, findRetired, mergeRetired, overrideSuggestion, type RetiredUse } from './retired.js'

/** The parts of a sync plan (client/sync/plan.ts `InstancePlan`) these warnings need. */
export interface RetiredPlanView {
  name: string
  /** Current variables: the target on disk with overrides.json applied. */
  ours: Record<string, string>
  /** What the variables become after sync. */
  merge: { env: Record<string, string> }
  overrides: Record<string, string | null>
  docs: { base: Pick<Template, 'version' | 'retired'>; theirs: Pick<Template, 'version' | 'retired'> }
}

export interface RetiredWarning extends RetiredUse {
  instance: string
  /** The value comes from overrides.json (rather than a hand edit or the template itself). */
  override: boolean
  /** Sync replaces it (the user never changed it); otherwise the user must act. */
  fixedBySync: boolean
  /** `claude-multi override <name> <role>=<replacement>`, when sync keeps the value. */
  suggestion?: string
  /** Which version says it is retired: the locked one, the wanted one, or both. */
  listedBy: string[]
}

export function retiredWarnings(plan: RetiredPlanView): RetiredWarning[] {
  const { base, theirs } = plan.docs
  const retired = mergeRetired(base.retired, theirs.retired)
  if (!Object.keys(retired).length) return []
  const listedBy = (model: string) => [
    ...new Set([base, theirs].filter((d) => findRetired({ M: model }, d.retired ?? {}).length).map((d) => d.version)),
  ]
  return findRetired(plan.ours, retired).map((use) => {
    const after = plan.merge.env[use.key]
    const fixedBySync =
      after !== use.model && (after === undefined || !findRetired({ [use.key]: after }, retired).length)
    const suggestion = fixedBySync ? undefined : overrideSuggestion(plan.name, use)
    return {
      ...use,
      instance: plan.name,
      override: typeof plan.overrides[use.key] === 'string',
      fixedBySync,
      ...(suggestion ? { suggestion } : {}),
      listedBy: listedBy(use.model),
    }
  })
}

/** One line per warning, for stderr/stdout next to the command's own output. */
export function describeRetiredWarning(w: RetiredWarning): string {
  const head = `${w.instance}: ${describeRetired(w, w.override ? 'your override' : undefined)}`
  if (w.fixedBySync) return `${head}; \`claude-multi sync ${w.instance}\` replaces it`
  if (w.suggestion) return `${head}; sync keeps your value, to switch run: ${w.suggestion}`
  return `${head}; sync keeps your value, choose another model with \`claude-multi override ${w.instance} ${w.role ?? w.key}=<model>\``
}
