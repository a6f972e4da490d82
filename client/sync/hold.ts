/**
 * The client's re-check of the semver contract. A current registry refuses a minor that moves the
 * endpoint or the key variable, but an old registry or a mirror may still serve one, and a wide
 * range (`*`, `>=1`, a dist-tag) may reach a new major. Such a version is *held*: sync stays on the
 * current version, says so on its own line, and moves only on an explicit command.
 */
import { caretGroup, contractChanges } from '../../shared/contract.js'
import type { Template, TemplateEntry } from '../../shared/types.js'
import { rangeMatches } from '../registry/pick.js'

export interface Held {
  /** The version sync would otherwise have moved to. */
  version: string
  /** `contract`: same major, other contract (`--accept-contract`); `major`: a new major (`pin`). */
  kind: 'contract' | 'major'
  changes: string[]
  /** The command that applies it on purpose. */
  hint: string
}

/**
 * Whether moving `name` from `base` to `theirs` needs the user's say. A move to another major is
 * deliberate only when the range no longer matches the current version (`pin work ^2`).
 */
export async function heldChange(
  name: string,
  entry: TemplateEntry,
  range: string,
  base: Template,
  theirs: Template,
): Promise<Held | undefined> {
  if (theirs.version === base.version) return undefined
  const changes = contractChanges(base, theirs)
  if (caretGroup(theirs.version) !== caretGroup(base.version)) {
    if (!(await rangeMatches(entry, range, base.version))) return undefined
    const major = caretGroup(theirs.version)!
    return {
      version: theirs.version,
      kind: 'major',
      changes,
      hint: `claude-multi pin ${name} ^${major.includes('.') ? major : `${major}.0.0`}`,
    }
  }
  if (!changes.length) return undefined
  return { version: theirs.version, kind: 'contract', changes, hint: `claude-multi sync ${name} --accept-contract` }
}

/** One line for sync, outdated and diff. */
export function describeHeld(name: string, template: string, h: Held): string {
  const what = h.kind === 'major' ? 'is a new major' : 'changes the contract inside your range'
  const changes = h.changes.length ? ` (${h.changes.join('; ')})` : ''
  return `${name}: ${template}@${h.version} ${what}${changes}; not applied: review with \`claude-multi diff ${name} --to ${h.version}\`, apply with \`${h.hint}\``
}
