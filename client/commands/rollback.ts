import { defineCommand } from 'citty'
import { rollbackInstance } from '../sync/rollback.js'
import { jsonArg, openSession, out, emitJson, waitArg, write } from './_common.js'

export default defineCommand({
  meta: {
    name: 'rollback',
    description: 'Restore the file and lock entry as they were before the last write (run again to undo)',
  },
  args: {
    name: { type: 'positional', required: true, description: 'Instance' },
    ...waitArg,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const session = openSession()
    const { restored: prev, replaced: current } = await write(
      session,
      { command: `rollback ${args.name}`, rawArgs },
      (tx) => rollbackInstance(session, tx, args.name),
    )
    if (args.json)
      return emitJson('rollback', 0, {
        name: args.name,
        path: prev.path,
        version: prev.entry.version,
        from: current?.version ?? null,
      })
    out(
      `${args.name}: restored ${prev.path} (${prev.entry.template}@${prev.entry.version}${current ? `, was ${current.version}` : ''})`,
    )
  },
})
