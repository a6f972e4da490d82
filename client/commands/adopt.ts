import { readdirSync } from 'node:fs'
import { defineCommand } from 'citty'
import { CliError } from '../../shared/errors.js'
import { label } from '../render/labels.js'
import { readText } from '../state/json-file.js'
import { NAME_RE } from '../state/paths.js'
import { adoptInstance, type AdoptResult } from '../sync/adopt.js'
import { canRecover, recoverInstance, type RecoverResult } from '../sync/recover.js'
import { isOurWrapper } from '../sync/wrapper-file.js'
import {
  emitJson,
  flushWarnings,
  jsonArg,
  offlineArg,
  openSession,
  out,
  registryArg,
  reportErrors,
  waitArg,
  write,
  type CmdError,
  type Session,
} from './_common.js'

/** Everything `adopt` with no names takes over: unmanaged instances, orphan lock entries, our own wrappers nobody lists. */
function candidates(session: Session): string[] {
  const names = new Set<string>()
  for (const i of session.config.instances) if (!session.lock.instances[i.name]) names.add(i.name)
  for (const n of Object.keys(session.lock.instances))
    if (!session.config.instances.some((i) => i.name === n)) names.add(n)
  let files: string[] = []
  try {
    files = readdirSync(session.paths.binDir)
  } catch {}
  for (const f of files) {
    const name = f.slice('claude-'.length)
    if (
      !f.startsWith('claude-') ||
      !NAME_RE.test(name) ||
      names.has(name) ||
      session.lock.instances[name] ||
      session.config.instances.some((i) => i.name === name)
    )
      continue
    const text = readText(`${session.paths.binDir}/${f}`)
    if (text !== undefined && isOurWrapper(text)) names.add(name)
  }
  return [...names]
}

export default defineCommand({
  meta: {
    name: 'adopt',
    description:
      'Take over instances sync does not manage: older claude-multi ones (settings.json env), and ones whose lock or config entry was lost (rebuilt from the wrapper)',
  },
  args: {
    name: {
      type: 'positional',
      required: false,
      description: 'Instances to adopt (default: every unmanaged one)',
      valueHint: 'NAME...',
    },
    template: { type: 'string', description: 'Template id[@version] to use instead of matching the base URL' },
    ...registryArg,
    ...offlineArg,
    ...waitArg,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const session = openSession({ offline: args.offline, registry: args.registry, damagedLock: true })
    const { names, adopted, recovered, errors } = await write(session, { command: 'adopt', rawArgs }, async (tx) => {
      const names = args._.length ? args._ : candidates(session)
      const adopted: AdoptResult[] = []
      const recovered: RecoverResult[] = []
      const errors: CmdError[] = []
      if (session.damaged && names.length) session.damaged.backUp(tx)
      for (const name of names) {
        try {
          const inConfig = session.config.instances.some((i) => i.name === name)
          const entry = session.lock.instances[name]
          if (inConfig && entry)
            throw new CliError('E_EXISTS', `${name} is already managed (${entry.template}@${entry.version})`)
          if (!args.template && canRecover(session, name)) recovered.push(await recoverInstance(session, tx, name))
          else
            adopted.push(
              await adoptInstance(session, tx, name, {
                ...(args.template ? { template: args.template } : {}),
                ...(args.registry ? { registry: args.registry } : {}),
              }),
            )
        } catch (err) {
          if (!(err instanceof CliError) || args._.length === 1) throw err
          errors.push({
            name,
            code: err.code,
            message: err.message.replace(`${name}: `, ''),
            ...(err.hint ? { hint: err.hint } : {}),
          })
        }
      }
      return { names, adopted, recovered, errors }
    })
    const exitCode = errors.length ? 1 : 0
    if (args.json) emitJson('adopt', exitCode, { adopted, recovered }, errors, [...session.warnings])
    flushWarnings(session)
    if (!args.json) {
      if (!names.length) out('nothing to adopt: every instance is already managed')
      if (session.damaged && names.length) out(`the damaged lock file was kept as ${session.damaged.backup}`)
      for (const r of recovered) {
        out(
          `adopted ${r.name}: ${r.template}@${r.version} from ${r.registry}, ${r.rebuilt.join(' and ')} entry rebuilt from its wrapper (range ${r.range})`,
        )
        if (r.edits.length) out(`  your values kept: ${r.edits.map(label).join(', ')}`)
      }
      for (const a of adopted) {
        out(
          `adopted ${a.name}: ${a.template}@${a.version} from ${a.registry} (${a.matched}/${a.of} values match; range ^${a.version})`,
        )
        const ov = Object.entries(a.overrides)
        if (ov.length) out(`  your values kept as overrides: ${ov.map(([k]) => label(k)).join(', ')}`)
      }
      if (adopted.length || recovered.length) out('run `claude-multi sync --dry-run` to see what a sync would change')
    }
    reportErrors(errors)
    return exitCode
  },
})
