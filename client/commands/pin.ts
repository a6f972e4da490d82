import { defineCommand } from 'citty'
import { CliError } from '../../shared/errors.js'
import { assertRange, pickOrThrow, requireSourceEntry } from '../registry/pick.js'
import { requireInstance } from '../state/config.js'
import { saveLock } from '../state/lock.js'
import { flushWarnings, jsonArg, offlineArg, openSession, out, emitJson, waitArg, write } from './_common.js'

export default defineCommand({
  meta: { name: 'pin', description: 'Set the version range an instance follows (applied by the next sync)' },
  args: {
    name: { type: 'positional', required: true, description: 'Instance' },
    range: { type: 'positional', required: true, description: 'A semver range (^1.4.0, ~1.4, 1.4.0) or a dist-tag' },
    ...offlineArg,
    ...waitArg,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    await assertRange(args.range)
    const session = openSession({ offline: args.offline })
    const { entry, wanted, from } = await write(session, { command: `pin ${args.name}`, rawArgs }, async (tx) => {
      requireInstance(session.config, args.name)
      const entry = session.lock.instances[args.name]
      if (!entry)
        throw new CliError(
          'E_UNMANAGED',
          `instance "${args.name}" is not managed yet`,
          1,
          `run \`claude-multi adopt ${args.name}\``,
        )
      // Refuse a range nothing satisfies now rather than leave sync failing later.
      const wanted = (
        await pickOrThrow(await requireSourceEntry(session.registries.get(entry.registry), entry.template), args.range)
      ).version
      const from = entry.range
      entry.range = args.range
      if (from !== args.range) saveLock(tx, session.paths, session.lock)
      return { entry, wanted, from }
    })
    flushWarnings(session)
    if (args.json)
      return emitJson('pin', 0, { name: args.name, from, range: args.range, current: entry.version, wanted })
    out(
      `${args.name}: range ${from} → ${args.range} (wanted ${entry.template}@${wanted}${wanted === entry.version ? ', current' : `; run \`claude-multi sync ${args.name}\``})`,
    )
  },
})
