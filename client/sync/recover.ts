import { CliError } from '../../shared/errors.js'
import { parseWrapper } from '../../shared/wrapper.js'
import { requireSourceEntry } from '../registry/pick.js'
import { saveConfig, type LoadedConfig } from '../state/config.js'
import { readText } from '../state/json-file.js'
import { saveLock, type LockEntry } from '../state/lock.js'
import { defaultConfigDir, wrapperPath } from '../state/paths.js'
import type { Transaction } from '../state/transaction.js'
import { envFor } from './adopt.js'
import { fetchDoc, type SyncContext } from './context.js'
import { digestOf } from '../../shared/digest.js'
import { configDirOf, isOurWrapper, keyRefOf, parseSource } from './wrapper-file.js'

export interface RecoverResult {
  name: string
  template: string
  version: string
  registry: string
  range: string
  /** What was rebuilt: the lock entry, the config entry, or both. */
  rebuilt: ('lock' | 'config')[]
  /** Variables whose value in the wrapper is the user's own (kept by every sync, as before). */
  edits: string[]
}

/** True when `adopt` can rebuild `name` from a wrapper claude-multi wrote (its `# source:` line). */
export function canRecover(ctx: SyncContext, name: string): boolean {
  const path = ctx.lock.instances[name]?.target.path ?? wrapperPath(ctx.paths, name)
  const text = readText(path)
  return text !== undefined && isOurWrapper(text) && parseSource(safeParse(text)?.source) !== undefined
}

const safeParse = (text: string) => {
  try {
    return parseWrapper(text)
  } catch {
    return undefined
  }
}

/**
 * Rebuilds what is missing of an instance whose wrapper claude-multi wrote: the lock entry from the
 * wrapper's `# source: <id>@<version> from <registry>` line (inputs read back from its values, the
 * key reference from its key lines), the config entry from its `CLAUDE_CONFIG_DIR`. The wrapper
 * itself is not touched, so every hand edit in it stays the user's, as it was.
 */
export async function recoverInstance(
  ctx: SyncContext & { loaded: LoadedConfig },
  tx: Transaction,
  name: string,
): Promise<RecoverResult> {
  const inst = ctx.config.instances.find((i) => i.name === name)
  const path = ctx.lock.instances[name]?.target.path ?? wrapperPath(ctx.paths, name)
  const text = readText(path)
  if (text === undefined)
    throw new CliError(
      'E_MISSING',
      `${name}: ${path} does not exist; nothing to rebuild from`,
      1,
      `add it anew with \`claude-multi add ${name} <template>\` after \`claude-multi remove ${name}\``,
    )
  const parsed = parseWrapper(text)
  const source = parseSource(parsed.source)
  if (!source)
    throw new CliError(
      'E_NO_MATCH',
      `${name}: ${path} has no "# source:" line to rebuild from`,
      1,
      `pass --template <id>@<version> to adopt it as that version`,
    )
  const rebuilt: RecoverResult['rebuilt'] = []
  let entry = ctx.lock.instances[name]
  const registry = ctx.registries.get(source.registry)
  // The wrapper names its template: that id's signed document is all a rebuild needs, not the catalogue.
  const tEntry = await requireSourceEntry(registry, source.template)
  const meta = tEntry.versions[source.version]
  if (!entry) {
    if (!meta)
      throw new CliError(
        'E_NO_MATCH',
        `${name}: ${source.template}@${source.version} is not in registry ${source.registry} any more`,
        1,
        `pass --template ${source.template}@<version>`,
      )
    const doc = (await fetchDoc(ctx, source.registry, source.template, source.version, meta.integrity)).template
    const inputs = envFor(doc, parsed.env)?.inputs ?? {}
    entry = {
      template: source.template,
      registry: source.registry,
      range: `^${source.version}`,
      version: source.version,
      integrity: meta.integrity,
      keyId: registry.signedBy ?? null,
      inputs,
      target: { kind: 'wrapper', path },
      key: keyRefOf(parsed),
      written: digestOf(text),
    } satisfies LockEntry
    ctx.lock.instances[name] = entry
    saveLock(tx, ctx.paths, ctx.lock)
    rebuilt.push('lock')
  }
  if (!inst) {
    ctx.config.instances.push({
      name,
      configDir: configDirOf(text) ?? defaultConfigDir(name),
      binaryPath: path,
      createdAt: new Date().toISOString(),
      providerTemplate: entry.template,
    })
    saveConfig(tx, ctx.loaded)
    rebuilt.push('config')
  }
  const doc = (await fetchDoc(ctx, entry.registry, entry.template, entry.version, entry.integrity)).template
  const template = envFor(doc, parsed.env)?.env ?? {}
  const edits = [...new Set([...Object.keys(template), ...Object.keys(parsed.env)])].filter(
    (k) => template[k] !== parsed.env[k],
  )
  return {
    name,
    template: entry.template,
    version: entry.version,
    registry: entry.registry,
    range: entry.range,
    rebuilt,
    edits,
  }
}
