import { defineCommand } from 'citty'
import { renameInstance } from '../sync/rename.js'
import { emitJson, jsonArg, openSession, out, waitArg, write } from './_common.js'

export default defineCommand({
  meta: {
    name: 'rename',
    description: 'Rename an instance: its wrapper claude-<old> becomes claude-<new>, hand edits kept',
  },
  args: {
    old: { type: 'positional', required: true, description: 'Current name' },
    new: { type: 'positional', required: true, description: 'New name ([a-z0-9][a-z0-9-]*, at most 64 characters)' },
    ...waitArg,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const session = openSession()
    const r = await write(session, { command: `rename ${args.old} ${args.new}`, rawArgs }, (tx) =>
      renameInstance(session, tx, args.old, args.new),
    )
    if (args.json) return emitJson('rename', 0, { ...r })
    out(`renamed ${r.from} to ${r.to}${r.wrapper ? `: ${r.wrapper}` : ''} (config dir stays ${r.configDir})`)
  },
})
