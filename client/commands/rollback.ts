import { defineCommand } from 'citty'
import { CliError } from '../../shared/errors.js'
import { requireInstance } from '../state/config.js'
import { readText } from '../state/json-file.js'
import { saveLock } from '../state/lock.js'
import { compareVersions } from '../../shared/versions.js'
import { loadPrevious, savePrevious } from '../state/previous.js'
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
    const r = await write(session, { command: `rollback ${args.name}`, rawArgs }, (tx) => {
      const inst = requireInstance(session.config, args.name)
      const prev = loadPrevious(inst.configDir)
      if (!prev)
        throw new CliError('E_NO_PREVIOUS', `${args.name} has nothing to roll back to (no write since it was added)`)
      const current = session.lock.instances[args.name]
      const currentText = readText(prev.path)
      // The state being replaced becomes the new "previous", so a second rollback undoes the first.
      if (current && currentText !== undefined)
        savePrevious(tx, inst.configDir, {
          path: prev.path,
          text: currentText,
          entry: current,
          savedAt: new Date().toISOString(),
        })
      tx.write(prev.path, prev.text)
      // Going back from a newer version declines it: auto-sync (client/notify) will not apply it again.
      const declined =
        current && compareVersions(current.version, prev.entry.version) > 0 ? { declined: current.version } : {}
      session.lock.instances[args.name] = { ...prev.entry, ...declined }
      saveLock(tx, session.paths, session.lock)
      return { prev, current }
    })
    const { prev, current } = r
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
