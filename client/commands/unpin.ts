import { defineCommand } from 'citty'
import { CliError } from '../../shared/errors.js'
import { requireInstance } from '../state/config.js'
import { saveLock } from '../state/lock.js'
import { jsonArg, openSession, out, printJson } from './_common.js'

export default defineCommand({
  meta: { name: 'unpin', description: 'Follow compatible updates again: the range becomes ^<current version>' },
  args: {
    name: { type: 'positional', required: true, description: 'Instance' },
    ...jsonArg,
  },
  run({ args }) {
    const session = openSession({ write: true })
    requireInstance(session.config, args.name)
    const entry = session.lock.instances[args.name]
    if (!entry) throw new CliError('E_UNMANAGED', `instance "${args.name}" is not managed yet`, 1, `run \`claude-multi adopt ${args.name}\``)
    const from = entry.range
    entry.range = `^${entry.version}`
    saveLock(session.paths, session.lock)
    if (args.json) return printJson({ name: args.name, from, range: entry.range })
    out(`${args.name}: range ${from} → ${entry.range}`)
  },
})
