/**
 * `claude-multi notify <name>`, started detached by the wrapper: one instance is planned exactly
 * as `sync` plans it, and one line is left for its next launch. With auto-sync on, an update that
 * needs no decision is applied, under the write lock without waiting for it.
 */
import { caretGroup } from '../../shared/contract.js'
import { CliError } from '../../shared/errors.js'
import { roleOf } from '../../shared/roles.js'
import type { Registries } from '../registry/registries.js'
import type { LoadedConfig } from '../state/config.js'
import { retiredWarnings } from '../models/retired-report.js'
import { findSourceEntry } from '../registry/pick.js'
import { compareVersions } from '../../shared/versions.js'
import { findInstance } from '../state/config.js'
import type { LockEntry } from '../state/lock.js'
import { transact } from '../state/transact.js'
import { applyPlans } from '../sync/apply.js'
import type { SyncContext } from '../sync/context.js'
import { planInstance, type InstancePlan } from '../sync/plan.js'
import { availableNotice, roleChanges, updatedNotice, type NoticeFacts } from './message.js'

/** The deprecation message of the version the instance is on (the plan has the wanted one's). */
async function deprecationOf(session: Session, plan: InstancePlan): Promise<string | undefined> {
  try {
    // The entry the plan just read (memoised per command): no request, and never the full index.
    const entry = await findSourceEntry(session.registries.get(plan.registry), plan.template)
    return entry?.versions[plan.current]?.deprecated || undefined
  } catch {
    return undefined
  }
}

function factsOf(plan: InstancePlan, deprecated: string | undefined): NoticeFacts {
  return {
    name: plan.name,
    template: plan.template,
    current: plan.current,
    wanted: plan.wanted,
    roles: roleChanges(plan.ours, plan.merge.env),
    ...(plan.held ? { held: plan.held } : {}),
    ...(newMajor(plan) ? { major: plan.latest! } : {}),
    kept: plan.merge.conflicts.map((c) => roleOf(c.key) ?? c.key),
    ...(deprecated ? { deprecated } : {}),
    // Only what the user must act on: a retired model sync replaces is named by the move itself.
    retired: retiredWarnings(plan).filter((w) => !w.fixedBySync || plan.wanted === plan.current),
  }
}

const newMajor = (plan: InstancePlan): boolean =>
  plan.latest !== undefined &&
  caretGroup(plan.latest) !== caretGroup(plan.wanted) &&
  compareVersions(plan.latest, plan.wanted) > 0

/**
 * What auto-sync may apply on its own: a newer version of the same major and the same contract,
 * merged as `sync` merges (a value the user changed is kept, also where the new version changes
 * it too), and not a version they rolled back from.
 */
export function autoEligible(plan: InstancePlan, entry: LockEntry | undefined): boolean {
  return (
    plan.changed &&
    !plan.held &&
    !plan.recreated &&
    plan.contract.length === 0 &&
    plan.dropOverrides.length === 0 &&
    compareVersions(plan.wanted, plan.current) > 0 &&
    caretGroup(plan.wanted) === caretGroup(plan.current) &&
    entry?.declined !== plan.wanted
  )
}

/** What a check needs: the command's session, and how to read state again under the lock. */
type Session = SyncContext & { loaded: LoadedConfig; registries: Registries }

export const autoSyncOn = (session: Session, name: string): boolean =>
  findInstance(session.config, name)?.autoSync === true

/** The notice for `name` (undefined: nothing to say), applying the update first when auto-sync is on. */
export async function checkInstance(session: Session, name: string, reload: () => void): Promise<string | undefined> {
  const plan = await planInstance(session, name)
  const deprecated = await deprecationOf(session, plan)
  if (!autoSyncOn(session, name) || !autoEligible(plan, session.lock.instances[name]))
    return availableNotice(factsOf(plan, deprecated))
  try {
    const done = await transact(
      session.paths,
      { command: `notify ${name} (auto-sync)`, waitMs: 0, reload, note: () => {} },
      async (tx) => {
        // Under the lock state is read again: someone may have synced, or turned auto-sync off.
        const p = await planInstance(session, name)
        const apply = autoSyncOn(session, name) && autoEligible(p, session.lock.instances[name])
        if (apply) applyPlans(session, tx, [p])
        return { plan: p, applied: apply }
      },
    )
    return done.applied ? updatedNotice(factsOf(done.plan, undefined)) : availableNotice(factsOf(done.plan, deprecated))
  } catch (err) {
    // Another claude-multi is writing: never wait for it in the background, only announce.
    if (err instanceof CliError && err.code === 'E_BUSY') return availableNotice(factsOf(plan, deprecated))
    throw err
  }
}
