/** Which variables carry model names, and how names compare (the `[1m]` suffix is Claude Code's). */
import { ROLES, ROLE_ENV } from '../../shared/roles.js'

/** Model variables that are not roles but name a model all the same. */
export const EXTRA_MODEL_VARS = ['CLAUDE_CODE_SUBAGENT_MODEL'] as const

export interface MappedModel {
  /** Role name, or the variable name for a model variable that is not a role. */
  role: string
  variable: string
  model: string
}

/** Every model an environment maps, roles first in their fixed order; empty values mean "unset". */
export function mappedModels(env: Record<string, string>): MappedModel[] {
  const out: MappedModel[] = []
  for (const role of ROLES) {
    const model = env[ROLE_ENV[role]]
    if (model) out.push({ role, variable: ROLE_ENV[role], model })
  }
  for (const variable of EXTRA_MODEL_VARS) {
    const model = env[variable]
    if (model) out.push({ role: variable, variable, model })
  }
  return out
}
