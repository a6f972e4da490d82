import { defineCommand } from 'citty'
import { rollbackInstance } from '../sync/rollback.js'
import { jsonArg, openSession, out, emitJson, waitArg, write } from './_common.js'

export default defineCommand({
  meta: {
    name: 'rollback',
    description: 'Restore the file, lock entry and overrides as they were before the last write (run again to undo)',
  },
  args: {
    name: { type: 'positional', required: true, description: 'Instance' },
    ...waitArg,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const session = openSession()
    const {
      restored: prev,
      replaced: current,
      overrides,
    } = await write(session, { command: `rollback ${args.name}`, rawArgs }, (tx) =>
      rollbackInstance(session, tx, args.name),
    )
    if (args.json)
      return emitJson('rollback', 0, {
        name: args.name,
        path: prev.path,
        version: prev.entry.version,
        from: current?.version ?? null,
        overrides,
        savedAt: prev.savedAt,
      })
    // Say what went back, and to when: "restored … (glm 1.5.1, was 1.5.1)" told nothing.
    const version =
      !current || current.version === prev.entry.version
        ? `${prev.entry.template} ${prev.entry.version}, same version`
        : `${prev.entry.template} ${current.version} → ${prev.entry.version}`
    out(
      `${args.name}: restored ${prev.path}${overrides ? ' and overrides.json' : ''} as before the write of ${when(prev.savedAt)} (${version}); run it again to undo`,
    )
  },
})

/** `2026-12-03 02:33:10 UTC` from an ISO time. */
const when = (iso: string) => `${iso.slice(0, 19).replace('T', ' ')} UTC`
