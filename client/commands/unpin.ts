import { defineCommand } from 'citty'
import { CliError } from '../../shared/errors.js'
import { requireInstance } from '../state/config.js'
import { saveLock } from '../state/lock.js'
import { jsonArg, openSession, out, emitJson, waitArg, write } from './_common.js'

export default defineCommand({
  meta: { name: 'unpin', description: 'Follow compatible updates again: the range becomes ^<current version>' },
  args: {
    name: { type: 'positional', required: true, description: 'Instance' },
    ...waitArg,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const session = openSession()
    const { from, entry } = await write(session, { command: `unpin ${args.name}`, rawArgs }, (tx) => {
      requireInstance(session.config, args.name)
      const entry = session.lock.instances[args.name]
      if (!entry)
        throw new CliError(
          'E_UNMANAGED',
          `instance "${args.name}" is not managed yet`,
          1,
          `run \`claude-multi adopt ${args.name}\``,
        )
      const from = entry.range
      entry.range = `^${entry.version}`
      if (entry.range !== from) saveLock(tx, session.paths, session.lock)
      return { from, entry }
    })
    if (args.json) return emitJson('unpin', 0, { name: args.name, from, range: entry.range })
    out(`${args.name}: range ${from} → ${entry.range}`)
  },
})
