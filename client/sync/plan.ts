import { CliError } from '../../shared/errors.js'
import { merge3, applyOverrides, type MergeResult } from '../../shared/merge.js'
import { sanitizeLimits } from '../../shared/limits.js'
import { resolveEnv } from '../../shared/resolve.js'
import { renderKeyLines } from '../../shared/wrapper.js'
import type { Template } from '../../shared/types.js'
import { pickOrThrow, requireSourceEntry } from '../registry/pick.js'
import { compareVersions } from '../../shared/versions.js'
import { requireInstance } from '../state/config.js'
import type { LockEntry } from '../state/lock.js'
import { loadOverrides, type Overrides } from '../state/overrides.js'
import { findClaude, settingsFile } from '../state/paths.js'
import { readText } from '../state/json-file.js'
import { fetchDoc, inputsFor, type SyncContext } from './context.js'
import { digestOf } from '../../shared/digest.js'
import { loadTarget } from './target.js'
import { heldChange, type Held } from './hold.js'
import { contractChanges } from '../../shared/contract.js'
import { notifyLinesFor, notifySpec } from '../notify/lines.js'

export interface PlanOptions {
  /** Take upstream on conflicts (and drop the overrides that caused them). */
  theirs?: boolean
  /** Merge against this exact version instead of the best one in the range (`diff --to`). */
  to?: string
  /** Stay on the locked version: re-apply overrides only (`override`). */
  stay?: boolean
  /** Variables whose override was just removed: they go back to the template's value. */
  reset?: string[]
  /** Move even when the wanted version changes the contract (`sync <name> --accept-contract`). */
  acceptContract?: boolean
  /** `sync --reset`: every variable back to the template's value, every override dropped. */
  resetAll?: boolean
}

/** Everything sync would do to one instance, computed without writing anything. */
export interface InstancePlan {
  name: string
  template: string
  registry: string
  range: string
  current: string
  wanted: string
  latest?: string
  deprecated?: string
  target: LockEntry['target']
  base: Record<string, string>
  ours: Record<string, string>
  theirs: Record<string, string>
  merge: MergeResult
  overrides: Overrides
  /** Overrides that `--theirs` gave up because upstream won their conflict. */
  dropOverrides: string[]
  /** undefined when the wrapper is missing. */
  currentText: string | undefined
  nextText: string
  nextEntry: LockEntry
  /** The file or the lock would change. */
  changed: boolean
  /** The wrapper was missing: sync writes it anew from the lock and the overrides. */
  recreated: boolean
  /** The wanted version is older than the current one (a retracted release, a lowered pin). */
  downgrade: boolean
  /** `--reset`: the variables whose own value goes (hand edits and overrides alike). */
  resetLoses: string[]
  warnings: string[]
  /** The documents behind base and theirs, for callers that want more (e.g. retired models). */
  docs: { base: Template; theirs: Template }
  /** A version the range reaches but sync does not apply without an explicit command. */
  held?: Held
  /** What this plan changes of the contract (only with --accept-contract, a re-pin or --to). */
  contract: string[]
}

export async function planInstance(ctx: SyncContext, name: string, opts: PlanOptions = {}): Promise<InstancePlan> {
  const inst = requireInstance(ctx.config, name)
  const entry = ctx.lock.instances[name]
  if (!entry)
    throw new CliError(
      'E_UNMANAGED',
      `instance "${name}" is not managed by claude-multi sync yet`,
      1,
      `run \`claude-multi adopt ${name}\``,
    )
  const source = ctx.registries.get(entry.registry)
  // One id's signed document, not the whole index: the cost does not grow with the catalogue.
  const tEntry = await requireSourceEntry(source, entry.template)
  const lockedMeta = tEntry.versions[entry.version]
  if (lockedMeta && entry.integrity && lockedMeta.integrity !== entry.integrity)
    throw new CliError(
      'E_INTEGRITY',
      `${entry.template}@${entry.version} in registry ${entry.registry} has integrity ${lockedMeta.integrity} but the lock recorded ${entry.integrity}; a published version must never change, refusing it`,
    )
  let wanted = opts.stay ? entry.version : (opts.to ?? (await pickOrThrow(tEntry, entry.range)).version)
  if (!Object.hasOwn(tEntry.versions, wanted) && wanted !== entry.version)
    throw new CliError('E_NO_MATCH', `${entry.template}@${wanted} does not exist in registry ${entry.registry}`)
  const wrapper = entry.target.kind === 'wrapper'
  const fresh = wrapper
    ? { name, configDir: inst.configDir, claudePath: findClaude(), key: entry.key ?? null, ...notifySpec(ctx) }
    : undefined
  // Loaded first for a wrapper: its `# source:` line tells which version its values came from.
  let loaded = wrapper
    ? loadTarget(entry.target, name, undefined, { ...fresh!, authVar: 'ANTHROPIC_AUTH_TOKEN' })
    : undefined
  const baseVersion = writtenFrom(loaded?.parsed?.source, entry, tEntry.versions) ?? entry.version
  const warnings: string[] = []
  if (baseVersion !== entry.version)
    warnings.push(
      `${name}: the wrapper was written from ${entry.template}@${baseVersion} but the lock says ${entry.version} (a run of an older claude-multi was interrupted); merging against ${baseVersion}`,
    )
  const baseIntegrity =
    baseVersion === entry.version ? entry.integrity || lockedMeta?.integrity : tEntry.versions[baseVersion]!.integrity
  const baseDoc = (await fetchDoc(ctx, entry.registry, entry.template, baseVersion, baseIntegrity)).template
  let theirsDoc =
    wanted === baseVersion
      ? baseDoc
      : (await fetchDoc(ctx, entry.registry, entry.template, wanted, tEntry.versions[wanted]!.integrity)).template
  // A contract change inside the range (an old registry, a mirror) or a new major reached through a
  // wide range is held: this plan stays on the locked version and says why. `--to` is explicit.
  const held = opts.stay || opts.to ? undefined : await heldChange(name, tEntry, entry.range, baseDoc, theirsDoc)
  if (held && !(opts.acceptContract && held.kind === 'contract')) {
    wanted = entry.version
    theirsDoc =
      wanted === baseVersion
        ? baseDoc
        : (await fetchDoc(ctx, entry.registry, entry.template, wanted, entry.integrity || lockedMeta?.integrity))
            .template
  }
  const contract = contractChanges(baseDoc, theirsDoc)
  // The locked version is only compared against; what it alone set (even a name the allowlist
  // now refuses) is removed by the merge, so it is not held to the allowlist here; theirs is.
  const learned = sanitizeLimits(entry.limits)
  const base = resolveEnv(baseDoc, inputsFor(baseDoc, entry.inputs), learned, { unchecked: true })
  const theirs = resolveEnv(theirsDoc, inputsFor(theirsDoc, entry.inputs), learned)

  if (wrapper && loaded!.text === undefined)
    loaded = loadTarget(entry.target, name, undefined, { ...fresh!, authVar: theirsDoc.auth })
  loaded ??= loadTarget(entry.target, name, baseDoc.auth)
  const recreated = loaded.text === undefined
  const overrides = loadOverrides(inst.configDir)
  // A missing wrapper lost its hand edits with it; the overrides survive in the config dir.
  const disk = recreated ? { ...base } : { ...loaded.env }
  for (const k of opts.reset ?? []) {
    if (k in base) disk[k] = base[k]!
    else delete disk[k]
  }
  const ours = applyOverrides(disk, overrides)
  const resetLoses = opts.resetAll
    ? [...new Set([...Object.keys(ours), ...Object.keys(base)])].filter((k) => ours[k] !== base[k])
    : []
  // Reset: what the user has counts as the base, so every difference to the new version is taken.
  const merge = opts.resetAll
    ? merge3(ours, ours, theirs)
    : merge3(base, ours, theirs, { preferTheirs: opts.theirs ?? false })
  const dropOverrides = opts.resetAll
    ? Object.keys(overrides)
    : opts.theirs
      ? merge.conflicts.map((c) => c.key).filter((k) => k in overrides)
      : []

  const sourceLine = `${entry.template}@${wanted} from ${entry.registry}`
  // Regenerated every time: a wrapper written before the isolation lines existed gets them now.
  const keyLines =
    wrapper && !recreated && entry.key !== undefined
      ? renderKeyLines(name, theirsDoc.auth, entry.key ?? null, Object.keys(merge.env))
      : undefined
  // Likewise the update-notice lines: older wrappers get them, `config set notify off` drops them.
  const nextText = loaded.render(
    merge.env,
    sourceLine,
    keyLines,
    wrapper && !recreated ? notifyLinesFor(ctx, name) : undefined,
  )
  const nextEntry: LockEntry = {
    ...entry,
    version: wanted,
    integrity: tEntry.versions[wanted]?.integrity ?? entry.integrity,
    keyId: ctx.registries.get(entry.registry).signedBy ?? entry.keyId ?? null,
    inputs: entry.inputs,
    written: digestOf(nextText),
  }
  const deprecated = tEntry.versions[wanted]?.deprecated
  if (deprecated) warnings.push(`${entry.template}@${wanted} is deprecated: ${deprecated}`)
  if (entry.target.kind === 'wrapper')
    warnings.push(
      ...shadowWarnings(
        name,
        inst.configDir,
        entry.key ? [...Object.keys(merge.env), theirsDoc.auth] : Object.keys(merge.env),
      ),
    )
  // Hook for retired-model checks (client/models): callers get both documents in `docs`.
  return {
    name,
    template: entry.template,
    registry: entry.registry,
    range: entry.range,
    current: entry.version,
    wanted,
    ...(tEntry['dist-tags'].latest ? { latest: tEntry['dist-tags'].latest } : {}),
    ...(deprecated ? { deprecated } : {}),
    target: entry.target,
    base,
    ours,
    theirs,
    merge,
    overrides,
    dropOverrides,
    currentText: loaded.text,
    nextText,
    nextEntry,
    changed:
      nextText !== loaded.text ||
      wanted !== entry.version ||
      nextEntry.integrity !== entry.integrity ||
      dropOverrides.length > 0,
    recreated,
    downgrade: compareVersions(wanted, entry.version) < 0,
    resetLoses,
    warnings,
    docs: { base: baseDoc, theirs: theirsDoc },
    ...(held && wanted === entry.version ? { held } : {}),
    contract,
  }
}

/** Claude Code 2.x lets `<configDir>/settings.json` `env` win over the wrapper's exports. */
export function shadowWarnings(name: string, configDir: string, managed: string[]): string[] {
  const text = readText(settingsFile(configDir))
  if (!text) return []
  let settings: { env?: Record<string, unknown> }
  try {
    settings = JSON.parse(text) as typeof settings
  } catch {
    return [`${name}: ${settingsFile(configDir)} is not valid JSON; Claude Code may refuse it`]
  }
  const shadowed = Object.keys(settings?.env ?? {}).filter((k) => managed.includes(k))
  return shadowed.length
    ? [
        `${name}: ${settingsFile(configDir)} "env" sets ${shadowed.join(', ')}, which Claude Code lets win over the wrapper; remove them there`,
      ]
    : []
}

/**
 * The version a wrapper's `# source:` line names, when it is another published version of the
 * locked template: an older claude-multi killed between the wrapper and the lock left the newer
 * values in the file, and they must be merged as what was written, never as the user's edits.
 */
function writtenFrom(
  source: string | undefined,
  entry: LockEntry,
  versions: Record<string, unknown>,
): string | undefined {
  if (!source) return undefined
  const m = /^(.+)@([^@\s]+) from (\S+)$/.exec(source)
  if (
    !m ||
    m[1] !== entry.template ||
    m[3] !== entry.registry ||
    m[2] === entry.version ||
    !Object.hasOwn(versions, m[2]!)
  )
    return undefined
  return m[2]
}
