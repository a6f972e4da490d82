import { defineCommand } from 'citty'
import { assertRange } from '../registry/pick.js'
import { pinInstance } from '../sync/pin.js'
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
    const r = await write(session, { command: `pin ${args.name}`, rawArgs }, (tx) =>
      pinInstance(session, tx, args.name, args.range),
    )
    flushWarnings(session)
    if (args.json)
      return emitJson('pin', 0, { name: r.name, from: r.from, range: r.range, current: r.current, wanted: r.wanted })
    out(
      `${r.name}: ${r.from === r.range ? `range is already ${r.range}` : `range ${r.from} → ${r.range}`} (wanted ${r.template}@${r.wanted}${r.wanted === r.current ? ', current' : `; run \`claude-multi sync ${r.name}\``})`,
    )
  },
})
