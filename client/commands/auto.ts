import { defineCommand } from 'citty'
import { UsageError } from '../../shared/errors.js'
import { notifyEnabled } from '../notify/lines.js'
import { setAutoSync } from '../notify/settings.js'
import { emitJson, jsonArg, openSession, out, waitArg, warn, write } from './_common.js'

const STATES = ['on', 'off']

export default defineCommand({
  meta: {
    name: 'auto',
    description:
      'Let the background check apply updates that need no decision (same major, same contract, no conflict)',
  },
  args: {
    name: { type: 'positional', required: true, description: 'Instance' },
    state: { type: 'positional', required: true, description: 'on or off', valueHint: 'on|off', options: STATES } as {
      type: 'positional'
      required: true
      description: string
      valueHint: string
    },
    ...waitArg,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    if (!STATES.includes(args.state))
      throw new UsageError(`"${args.state}" is neither on nor off`, `e.g. claude-multi auto ${args.name} on`)
    const on = args.state === 'on'
    const session = openSession()
    await write(session, { command: `auto ${args.name} ${args.state}`, rawArgs }, (tx) =>
      setAutoSync(session, tx, args.name, on),
    )
    if (args.json) return emitJson('auto', 0, { name: args.name, auto: on })
    out(
      on
        ? `${args.name}: auto-sync on; a launch of claude-${args.name} applies updates in its range that keep the contract and every edit (undo one with \`claude-multi rollback ${args.name}\`)`
        : `${args.name}: auto-sync off; launches only announce updates`,
    )
    // The check runs from the wrapper's notice lines: without them nothing would ever apply.
    if (on && !notifyEnabled(session.config))
      warn('the update notice is off (`claude-multi config set notify on` turns it on); auto-sync runs only from it')
  },
})
