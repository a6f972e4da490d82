import { defineCommand } from 'citty'
import { unpinInstance } from '../sync/pin.js'
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
    const r = await write(session, { command: `unpin ${args.name}`, rawArgs }, (tx) =>
      unpinInstance(session, tx, args.name),
    )
    if (args.json) return emitJson('unpin', 0, { name: r.name, from: r.from, range: r.range })
    out(
      r.from === r.range
        ? `${r.name}: range is already ${r.range}; nothing changed`
        : `${r.name}: range ${r.from} → ${r.range}`,
    )
  },
})
