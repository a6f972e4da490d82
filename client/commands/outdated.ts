import { defineCommand } from 'citty'
import { safeText } from '../../shared/text.js'
import { c } from '../render/colors.js'
import { formatTable } from '../../shared/table.js'
import { isOutdated, outdatedRows, type OutdatedRow } from '../sync/outdated.js'
import { describeHeld } from '../sync/hold.js'
import {
  emitJson,
  flushWarnings,
  jsonArg,
  offlineArg,
  openSession,
  out,
  reportErrors,
  warn,
  type CmdError,
} from './_common.js'
import { retiredForInstances } from '../models/retired-instances.js'
import { describeRetiredWarning } from '../models/retired-report.js'
import type { PlanSummary } from '../render/sync.js'
import type { SyncContext } from '../sync/context.js'
import type { Changelog } from '../sync/changelog.js'
import { CliError } from '../../shared/errors.js'

/**
 * What sync would change in each instance that can move (the same merge, nothing written), so a
 * new window shows like a new model. Loaded only for --long: the table needs just the entries.
 */
async function longChanges(
  session: SyncContext,
  rows: OutdatedRow[],
  errors: CmdError[],
): Promise<Map<string, PlanSummary>> {
  const [{ planInstance }, { summarize }] = await Promise.all([import('../sync/plan.js'), import('../render/sync.js')])
  const byName = new Map<string, PlanSummary>()
  // A held-back version (contract change, new major) is not what sync would apply: left out.
  for (const row of rows.filter((r) => r.wanted && r.wanted !== r.current && !r.held)) {
    try {
      byName.set(row.name, summarize(await planInstance(session, row.name)))
    } catch (err) {
      if (!(err instanceof CliError)) throw err
      errors.push({ name: row.name, code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) })
    }
  }
  return byName
}

/** Changelogs of the rows that move up; one that cannot be read says so inside, never fails the command. */
async function changelogsFor(session: SyncContext, rows: OutdatedRow[]): Promise<Map<string, Changelog>> {
  const { changelogBetween } = await import('../sync/changelog.js')
  const logs = new Map<string, Changelog>()
  await Promise.all(
    rows.map(async (r) => {
      if (!r.wanted || r.downgrade) return
      const log = await changelogBetween(session, r.registry, r.template, r.current, r.wanted)
      if (log) logs.set(r.name, log)
    }),
  )
  return logs
}

export default defineCommand({
  meta: {
    name: 'outdated',
    description: 'Instances whose template has a newer version (Wanted = best in range, Latest = dist-tag)',
  },
  args: {
    name: {
      type: 'positional',
      required: false,
      description: 'Instances to check (default: all)',
      valueHint: 'NAME...',
    },
    all: { type: 'boolean', description: 'Also list instances that are current' },
    long: {
      type: 'boolean',
      description: 'Also show what the update changes in each instance: models, windows, other variables',
    },
    ...offlineArg,
    ...jsonArg,
  },
  async run({ args }) {
    const session = openSession({ offline: args.offline })
    const { rows, errors } = await outdatedRows(session, args._)
    const retired = await retiredForInstances(session, args._)
    const warnings = [...session.warnings]
    flushWarnings(session)
    const shown = args.all ? rows : rows.filter(isOutdated)
    // --long reads the version documents (the table alone needs only the entries).
    const changes = args.long ? await longChanges(session, shown, errors) : new Map<string, PlanSummary>()
    // --long: the changelog of every version between current and wanted, held ones included (that is the decision).
    const logs = args.long ? await changelogsFor(session, shown) : new Map<string, Changelog>()
    const instances = args.long
      ? shown.map((r) => ({
          ...r,
          ...(changes.has(r.name) ? { changes: changes.get(r.name)!.changes } : {}),
          ...(logs.has(r.name) ? { changelog: logs.get(r.name)! } : {}),
        }))
      : shown
    const exitCode = errors.length ? 1 : 0
    if (args.json) emitJson('outdated', exitCode, { instances, retired }, errors, warnings)
    else if (shown.length) {
      const head = ['Instance', 'Template', 'Current', 'Wanted', 'Latest', 'Registry'].map((h) => c.bold(h))
      out(
        formatTable([
          head,
          ...shown.map((r) => [
            r.name,
            safeText(r.template),
            r.deprecated ? c.yellow(safeText(r.current)) : safeText(r.current),
            r.wanted === r.current
              ? safeText(r.wanted ?? '-')
              : r.downgrade
                ? c.magenta(`${safeText(r.wanted ?? '-')} (downgrade)`)
                : c.green(safeText(r.wanted ?? '-')),
            r.latest === r.wanted ? safeText(r.latest ?? '-') : c.magenta(safeText(r.latest ?? '-')),
            r.registry,
          ]),
        ]),
      )
      if (changes.size || logs.size) {
        const [{ renderDetails }, { renderChangelog }] = await Promise.all([
          import('../render/sync.js'),
          import('../render/changelog.js'),
        ])
        for (const r of shown) {
          const summary = changes.get(r.name)
          const log = logs.get(r.name)
          // A held version has no plan (sync would not apply it), but its changelog is what to decide on.
          const text = summary
            ? renderDetails({ ...summary, ...(log ? { changelog: log } : {}) }, 'check')
            : log
              ? `${c.bold(r.name)}: ${safeText(`${r.template} ${r.current} → ${r.wanted}`)}${r.held ? ' (held)' : ''}\n${renderChangelog(log)}`
              : ''
          if (text) out(text)
        }
      }
    } else if (rows.length) out('all instances are on the latest version')
    else if (!errors.length) out('no managed instances')
    if (!args.json) for (const r of rows) if (r.held) out(c.yellow(safeText(describeHeld(r.name, r.template, r.held))))
    if (!args.json) for (const w of retired) warn(describeRetiredWarning(w))
    reportErrors(errors)
    return exitCode
  },
})
