import { defineCommand } from 'citty'
import { isDebug } from '../../shared/cli-support.js'
import { checkInstance } from '../notify/check.js'
import { intervalSeconds, setNextCheck, writeNotice } from '../notify/files.js'
import { notifyEnabled } from '../notify/lines.js'
import { assertName, resolvePaths } from '../state/paths.js'
import { openSession, out, reloadSession } from './_common.js'

/**
 * Started by the wrapper, detached, with stdio closed: whatever goes wrong it exits 0 and says
 * nothing (DEBUG=claude-multi prints the reason). Run by hand it prints the notice it left.
 */
export default defineCommand({
  meta: {
    name: 'notify',
    description: 'Check one instance in the background and leave the notice its wrapper prints at the next launch',
  },
  args: { name: { type: 'positional', required: true, description: 'Instance' } },
  async run({ args }) {
    try {
      if (process.env.CLAUDE_MULTI_NOTIFY === '0') return
      assertName(args.name)
      const paths = resolvePaths()
      // First, so that launches while this check runs (or after it failed) start no other one.
      setNextCheck(paths.home, args.name, intervalSeconds())
      const session = openSession()
      if (!notifyEnabled(session.config)) return
      const notice = await checkInstance(session, args.name, () => reloadSession(session))
      writeNotice(paths.home, args.name, notice)
      if (notice) out(notice)
    } catch (err) {
      if (isDebug(process.env.DEBUG))
        process.stderr.write(`claude-multi notify: ${(err as Error)?.stack ?? String(err)}\n`)
    }
  },
})
