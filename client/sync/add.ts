import { resolve } from 'node:path'
import { CliError, UsageError } from '../../shared/errors.js'
import { parseSpec } from '../../shared/ids.js'
import { applyOverrides } from '../../shared/merge.js'
import { resolveEnv } from '../../shared/resolve.js'
import { ENV_NAME_RE } from '../../shared/roles.js'
import { renderWrapper } from '../../shared/wrapper.js'
import { notifySpec } from '../notify/lines.js'
import type { Template } from '../../shared/types.js'
import { learnLimits, type Learned } from '../models/learn-limits.js'
import { assertRange, pickOrThrow, requireSourceEntry } from '../registry/pick.js'
import { findInstance, saveConfig, type InstanceConfig, type LoadedConfig } from '../state/config.js'
import { writeKeyFile } from '../state/keys.js'
import { saveLock, type KeyRef, type LockEntry } from '../state/lock.js'
import { loadOverrides } from '../state/overrides.js'
import { pathExists } from '../state/overlay.js'
import { assertName, defaultConfigDir, findClaude, wrapperPath } from '../state/paths.js'
import type { Transaction } from '../state/transaction.js'
import type { SyncContext } from './context.js'
import { digestOf } from '../../shared/digest.js'

export interface AddOptions {
  name: string
  spec: string
  inputs: Record<string, string>
  registry?: string
  configDir?: string
  apiKeyEnv?: string
  /** The key itself (read from stdin by the command). */
  apiKey?: string
}

export interface AddResult {
  name: string
  template: string
  version: string
  range: string
  registry: string
  wrapper: string
  configDir: string
  key: 'file' | 'env' | 'none'
  deprecated?: string
  /** Things the user should know but that did not stop the add (e.g. a window left unknown). */
  warnings: string[]
}

/**
 * The transaction runs addInstance twice (a planning run, then one under the write lock): the
 * provider's model list is asked once, in the first, so nobody waits on the network for us.
 */
const learning = new Map<string, Promise<Learned>>()
function learnOnce(name: string, doc: Template, env: Record<string, string>, key: string | null): Promise<Learned> {
  const id = JSON.stringify([name, doc.id, doc.version, env])
  let hit = learning.get(id)
  if (!hit) learning.set(id, (hit = learnLimits(name, doc, env, key)))
  return hit
}

export function parseInputs(pairs: string[]): Record<string, string> {
  const inputs: Record<string, string> = {}
  for (const p of pairs) {
    const eq = p.indexOf('=')
    if (eq <= 0) throw new UsageError(`--input "${p}" must be name=value`)
    inputs[p.slice(0, eq)] = p.slice(eq + 1)
  }
  return inputs
}

export async function addInstance(
  ctx: SyncContext & { loaded: LoadedConfig },
  tx: Transaction,
  opts: AddOptions,
): Promise<AddResult> {
  assertName(opts.name)
  if (opts.apiKeyEnv !== undefined && opts.apiKey !== undefined)
    throw new UsageError('use either --api-key-env or --api-key-stdin, not both')
  if (opts.apiKeyEnv !== undefined && !ENV_NAME_RE.test(opts.apiKeyEnv))
    throw new UsageError(`--api-key-env "${opts.apiKeyEnv}" is not a variable name`)
  if (findInstance(ctx.config, opts.name))
    throw new CliError(
      'E_EXISTS',
      `instance "${opts.name}" already exists`,
      1,
      ctx.lock.instances[opts.name]
        ? `choose another name, or \`claude-multi remove ${opts.name}\` first`
        : `take it over with \`claude-multi adopt ${opts.name}\`, or \`claude-multi remove ${opts.name}\` first`,
    )
  if (ctx.lock.instances[opts.name])
    throw new CliError(
      'E_EXISTS',
      `the lock still has an entry "${opts.name}" whose instance is gone from config.json`,
      1,
      `restore it with \`claude-multi adopt ${opts.name}\`, or \`claude-multi remove ${opts.name}\` first`,
    )
  const wrapper = wrapperPath(ctx.paths, opts.name)
  if (pathExists(wrapper))
    throw new CliError(
      'E_EXISTS',
      `${wrapper} already exists and is not an instance in config.json`,
      1,
      `take it over with \`claude-multi adopt ${opts.name}\`, or move it away`,
    )
  const { id, range } = parseSpec(opts.spec)
  if (range) await assertRange(range)
  const registry = ctx.registries.nameFor(id, opts.registry)
  // Its own signed document, not the whole index (client/registry/http-entry.ts).
  const entry = await requireSourceEntry(ctx.registries.get(registry), id)
  const picked = await pickOrThrow(
    entry,
    range ?? 'latest',
    `give one of them, e.g. ${entry.id}@${entry['dist-tags'].latest ?? '<version>'}`,
  )
  const doc = (
    await ctx.registries.get(registry).version(id, picked.version, entry.versions[picked.version]!.integrity)
  ).template
  // Inputs are checked before anything goes over the network; then a model chosen at setup gets
  // its window from the provider's list.
  const plain = resolveEnv(doc, opts.inputs)
  if (opts.apiKey === undefined && opts.apiKeyEnv === undefined)
    throw new UsageError('add needs the API key: --api-key-stdin or --api-key-env VAR')
  // The block exports its variables before the key lines run: that one would be overwritten first.
  if (opts.apiKeyEnv !== undefined && Object.hasOwn(plain, opts.apiKeyEnv))
    throw new UsageError(
      `--api-key-env ${opts.apiKeyEnv}: the wrapper itself sets ${opts.apiKeyEnv}`,
      'name another variable for the key',
    )
  const learned = await learnOnce(
    opts.name,
    doc,
    plain,
    opts.apiKey ?? (opts.apiKeyEnv ? process.env[opts.apiKeyEnv] || null : null),
  )
  const env = Object.keys(learned.limits).length ? resolveEnv(doc, opts.inputs, learned.limits) : plain

  const configDir = resolve(opts.configDir ?? defaultConfigDir(opts.name))
  tx.mkdir(configDir, 0o700)
  let key: KeyRef = null
  if (opts.apiKey !== undefined) key = { file: writeKeyFile(tx, configDir, opts.apiKey) }
  else if (opts.apiKeyEnv) key = { env: opts.apiKeyEnv }
  const finalRange = range && range !== 'latest' ? range : `^${picked.version}`
  const source = `${id}@${picked.version} from ${registry}`
  const text = renderWrapper({
    name: opts.name,
    configDir,
    claudePath: findClaude(),
    authVar: doc.auth,
    key,
    env: applyOverrides(env, loadOverrides(configDir)),
    source,
    ...notifySpec(ctx),
  })
  tx.write(wrapper, text, { mode: 0o755 })

  const instance: InstanceConfig = {
    name: opts.name,
    configDir,
    binaryPath: wrapper,
    createdAt: new Date().toISOString(),
    providerTemplate: id,
  }
  ctx.config.instances.push(instance)
  saveConfig(tx, ctx.loaded)
  const lockEntry: LockEntry = {
    template: id,
    registry,
    range: finalRange,
    version: picked.version,
    integrity: entry.versions[picked.version]!.integrity,
    keyId: ctx.registries.get(registry).signedBy ?? null,
    inputs: opts.inputs,
    target: { kind: 'wrapper', path: wrapper },
    key,
    ...(Object.keys(learned.limits).length ? { limits: learned.limits } : {}),
    written: digestOf(text),
  }
  ctx.lock.instances[opts.name] = lockEntry
  saveLock(tx, ctx.paths, ctx.lock)
  return {
    name: opts.name,
    template: id,
    version: picked.version,
    range: finalRange,
    registry,
    wrapper,
    configDir,
    key: key === null ? 'none' : 'file' in key ? 'file' : 'env',
    ...(picked.deprecated ? { deprecated: picked.deprecated } : {}),
    warnings: learned.warnings,
  }
}
