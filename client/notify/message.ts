/**
 * The one line a background check leaves for the next launch of `claude-<name>`. Specific (which
 * version, which role moves to which model, the command to run) and louder, with `WARNING`, when
 * the instance runs a model the registry marks retired or a deprecated version: that is what makes
 * requests fail. Registry text in it is made inert by writeNotice (safeText).
 */
import { roleOf } from '../../shared/roles.js'
import type { RetiredWarning } from '../models/retired-report.js'
import type { Held } from '../sync/hold.js'

export interface NoticeFacts {
  name: string
  template: string
  current: string
  /** The version sync would move to (the current one when nothing moves). */
  wanted: string
  /** `sonnet glm-5.3-flash → glm-5.5-flash`, for each role whose model changes. */
  roles: string[]
  held?: Held
  /** `dist-tags.latest` when it is a newer major than the range reaches (npm's Latest). */
  major?: string
  /** Roles (or variables) where the user's own value was kept over the new version's. */
  kept: string[]
  /** The deprecation message of the current version. */
  deprecated?: string
  retired: RetiredWarning[]
}

/** Roles whose model differs between the variables now and after the move. */
export function roleChanges(before: Record<string, string>, after: Record<string, string>): string[] {
  const changes: string[] = []
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const role = roleOf(key)
    if (role && before[key] !== after[key])
      changes.push(`${role} ${before[key] ?? '(unset)'} → ${after[key] ?? '(unset)'}`)
  }
  return changes
}

const retiredText = (w: RetiredWarning) =>
  `${w.role ?? w.key} uses ${w.model}, which the provider retired${w.replacement ? ` (replacement: ${w.replacement})` : ''}`

/** What the next launch should say, or undefined when there is nothing to say. */
export function availableNotice(f: NoticeFacts): string | undefined {
  const warnings = [
    ...f.retired.map(retiredText),
    ...(f.deprecated ? [`${f.template} ${f.current} is deprecated: ${f.deprecated}`] : []),
  ]
  let move: string | undefined
  let run: string | undefined
  if (f.held) {
    const what =
      f.held.kind === 'major'
        ? 'is a new major, not applied'
        : `changes the contract (${f.held.changes.join('; ')}), not applied`
    move = `${f.template} ${f.current} → ${f.held.version} ${what}`
    run = f.held.hint
  } else if (f.wanted !== f.current) {
    move = `${f.template} ${f.current} → ${f.wanted}${f.roles.length ? ` (${f.roles.join(', ')})` : ''}`
    run = `claude-multi sync ${f.name}`
  }
  // A new major outside the range is never applied, only named; `pin` is the deliberate step.
  if (f.major && !f.held) {
    const major = `${f.template} ${f.major} is a new major (review: claude-multi diff ${f.name} --to ${f.major})`
    move = move ? `${move}; ${major}` : major
    run ??= `claude-multi pin ${f.name} ^${f.major}`
  }
  if (!move && !warnings.length) return undefined
  // A retired model that sync cannot replace (the user's own value) needs the override command.
  const userValue = f.retired.find((w) => !w.fixedBySync)
  run ??= userValue
    ? (userValue.suggestion ?? `claude-multi override ${f.name} ${userValue.role ?? userValue.key}=<model>`)
    : f.retired.length
      ? `claude-multi sync ${f.name}`
      : `claude-multi outdated ${f.name} --long`
  const head = warnings.length ? `WARNING ${warnings.join('; ')}${move ? '; ' : ''}` : ''
  return `claude-${f.name}: ${head}${move ?? ''} — run: ${run}`
}

/** After auto-sync applied an update. */
export function updatedNotice(f: NoticeFacts): string {
  const what = [...f.roles, ...(f.kept.length ? [`kept your ${f.kept.join(', ')}`] : [])].map((s) => `${s}; `).join('')
  const line = `claude-${f.name}: updated ${f.template} ${f.current} → ${f.wanted} (${what}undo: claude-multi rollback ${f.name})`
  const major = f.major ? `; ${f.template} ${f.major} is a new major — run: claude-multi pin ${f.name} ^${f.major}` : ''
  return line + major
}
