import { defineCommand } from 'citty'
import { CliError } from '../../shared/errors.js'
import { label } from '../render/labels.js'
import { adoptInstance, type AdoptResult } from '../sync/adopt.js'
import { flushWarnings, jsonArg, offlineArg, openSession, out, printJson, registryArg, waitArg, write } from './_common.js'

export default defineCommand({
  meta: { name: 'adopt', description: 'Take over instances made by older claude-multi (settings.json env) so sync manages them' },
  args: {
    name: { type: 'positional', required: false, description: 'Instances to adopt (default: every unmanaged one)' },
    template: { type: 'string', description: 'Template id[@version] to use instead of matching the base URL' },
    ...registryArg,
    ...offlineArg,
    ...waitArg,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const session = openSession({ offline: args.offline, registry: args.registry })
    const { names, adopted, errors } = await write(session, { command: 'adopt', rawArgs }, async (tx) => {
      const names = args._.length ? args._ : session.config.instances.map((i) => i.name).filter((n) => !session.lock.instances[n])
      const adopted: AdoptResult[] = []
      const errors: { name: string; message: string }[] = []
      for (const name of names) {
        try {
          adopted.push(await adoptInstance(session, tx, name, { ...(args.template ? { template: args.template } : {}), ...(args.registry ? { registry: args.registry } : {}) }))
        } catch (err) {
          if (!(err instanceof CliError) || args._.length === 1) throw err
          errors.push({ name, message: err.message })
        }
      }
      return { names, adopted, errors }
    })
    flushWarnings(session)
    if (args.json) printJson({ adopted, errors })
    else {
      if (!names.length) out('nothing to adopt: every instance is already managed')
      for (const a of adopted) {
        out(`adopted ${a.name}: ${a.template}@${a.version} from ${a.registry} (${a.matched}/${a.of} values match; range ^${a.version})`)
        const ov = Object.entries(a.overrides)
        if (ov.length) out(`  your values kept as overrides: ${ov.map(([k]) => label(k)).join(', ')}`)
      }
      if (adopted.length) out('run `claude-multi sync --dry-run` to see what a sync would change')
    }
    for (const e of errors) process.stderr.write(`claude-multi: ${e.name}: ${e.message}\n`)
    if (errors.length) process.exitCode = 1
  },
})
