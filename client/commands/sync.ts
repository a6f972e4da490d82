import { defineCommand } from 'citty'
import { UsageError } from '../../shared/errors.js'
import { addChangelogs, syncAll, syncExitCode } from '../sync/sync-all.js'
import {
  renderDetails,
  renderFileDiff,
  renderHeld,
  renderStatusTable,
  summarize,
  type SyncMode,
} from '../render/sync.js'
import { c } from '../render/colors.js'
import type { Transaction } from '../state/transaction.js'
import {
  confirm,
  emitJson,
  flushWarnings,
  jsonArg,
  offlineArg,
  openSession,
  out,
  reportErrors,
  waitArg,
  write,
  yesArg,
} from './_common.js'

export default defineCommand({
  meta: { name: 'sync', description: 'Move instances to the newest version their pin allows, keeping your changes' },
  args: {
    name: {
      type: 'positional',
      required: false,
      description: 'Instances to sync (default: all)',
      valueHint: 'NAME...',
    },
    'dry-run': { type: 'boolean', description: 'Show the full change, write nothing' },
    check: { type: 'boolean', description: 'Write nothing; exit 100 when sync would change something, 0 when current' },
    theirs: { type: 'boolean', description: 'On a conflict take the new version’s value (and drop that override)' },
    'accept-contract': {
      type: 'boolean',
      description:
        'Move the named instances even to a version that changes the contract (base URL, key variable, inputs, variables)',
    },
    reset: {
      type: 'boolean',
      description: 'Back to the template’s values: drops your edits and overrides of the named instances (shown first)',
    },
    ...yesArg,
    ...offlineArg,
    ...waitArg,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    if (args.check && args['dry-run'])
      throw new UsageError(
        '--check and --dry-run do not go together',
        '--check answers with its exit code, --dry-run shows the change; pick one',
      )
    if (args.reset && !args._.length)
      throw new UsageError('--reset needs the names of the instances to reset', 'e.g. claude-multi sync --reset work')
    if (args.reset && args.theirs) throw new UsageError('--reset already takes every template value; drop --theirs')
    // Accepting a new endpoint or key variable is a decision about one instance, never a blanket one.
    if (args['accept-contract'] && !args._.length)
      throw new UsageError(
        '--accept-contract needs the names of the instances to move',
        'e.g. claude-multi sync work --accept-contract',
      )
    const acceptContract = Boolean(args['accept-contract'])
    const mode: SyncMode = args.check ? 'check' : args['dry-run'] ? 'dry-run' : 'sync'
    const reset = Boolean(args.reset)
    const theirs = Boolean(args.theirs)
    const session = openSession({ offline: args.offline })
    const run = (tx?: Transaction) => syncAll(session, args._, { mode, theirs, reset, acceptContract }, tx)
    const { plans, errors, unmanaged, written } =
      mode === 'sync'
        ? await write(
            session,
            { command: reset ? `sync --reset ${args._.join(' ')}` : 'sync', rawArgs },
            (tx) => run(tx),
            // Reset throws away the user's own values: they are shown, and a person says yes.
            reset
              ? (p) =>
                  confirm(
                    args.json
                      ? ''
                      : p.plans
                          .map((x) => renderDetails(summarize(x, false, true), 'dry-run'))
                          .filter(Boolean)
                          .join('\n'),
                    'Reset these instances?',
                    args.yes,
                  )
              : undefined,
          )
        : await run()
    const summaries = plans.map((p) => ({ ...summarize(p, theirs, reset), written: written.includes(p.name) }))
    // The changelog of every version the update crosses (not for --check: the hot path reads no document).
    if (mode !== 'check') await addChangelogs(session, summaries)
    const pending = summaries.filter((s) => s.changed).map((s) => s.name)
    const exitCode = syncExitCode(mode, errors.length, pending.length)
    const warnings = [...new Set([...session.warnings, ...plans.flatMap((p) => p.warnings)])]
    flushWarnings({ warnings: [...warnings] })
    if (args.json)
      emitJson('sync', exitCode, { mode, instances: summaries, updates: pending, unmanaged }, errors, warnings)
    else {
      const blocks: string[] = []
      if (summaries.length || errors.length) blocks.push(renderStatusTable(summaries, errors, mode))
      blocks.push(...renderHeld(summaries))
      for (const [i, s] of summaries.entries()) {
        if (mode === 'check') break
        const details = renderDetails(s, mode)
        if (details) blocks.push(details)
        if (mode === 'dry-run' && plans[i]!.changed)
          blocks.push(await renderFileDiff(plans[i]!.target.path, plans[i]!.currentText ?? '', plans[i]!.nextText))
      }
      if (!plans.length && !errors.length)
        blocks.push('no managed instances (add one with `claude-multi add`, or `claude-multi adopt` older ones)')
      if (unmanaged.length) blocks.push(c.dim(`not managed: ${unmanaged.join(', ')} (run \`claude-multi adopt\`)`))
      if (plans.length || errors.length)
        blocks.push(syncSummary(mode, summaries.length, pending.length, written.length, errors.length))
      out(blocks.filter(Boolean).join('\n'))
    }
    reportErrors(errors)
    return exitCode
  },
})

/** The last line, which never contradicts the exit code: failures are counted, never hidden. */
function syncSummary(mode: SyncMode, total: number, pending: number, written: number, failed: number): string {
  const parts: string[] = []
  if (mode === 'sync') {
    if (written) parts.push(`${written} changed`)
    if (total - written) parts.push(`${total - written} already current`)
  } else {
    if (pending) parts.push(`${pending} would change`)
    if (total - pending) parts.push(`${total - pending} up to date`)
  }
  if (failed) parts.push(c.red(`${failed} failed`))
  const line = parts.join(', ')
  if (mode === 'check' && pending && !failed) return `${line}: run \`claude-multi sync\``
  if (mode === 'dry-run' && pending) return `${line}; nothing was written`
  return line
}
