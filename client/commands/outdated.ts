import { defineCommand } from 'citty'
import { safeText } from '../../shared/text.js'
import { c } from '../render/colors.js'
import { formatTable } from '../render/table.js'
import { isOutdated, outdatedRows } from '../sync/outdated.js'
import { describeHeld } from '../sync/hold.js'
import { emitJson, flushWarnings, jsonArg, offlineArg, openSession, out, reportErrors, warn } from './_common.js'
import { retiredForInstances } from '../models/retired-instances.js'
import { describeRetiredWarning } from '../models/retired-report.js'

export default defineCommand({
  meta: { name: 'outdated', description: 'Instances whose template has a newer version (Wanted = best in range, Latest = dist-tag)' },
  args: {
    name: { type: 'positional', required: false, description: 'Instances to check (default: all)', valueHint: 'NAME...' },
    all: { type: 'boolean', description: 'Also list instances that are current' },
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
    const exitCode = errors.length ? 1 : 0
    if (args.json) emitJson('outdated', exitCode, { instances: shown, retired }, errors, warnings)
    else if (shown.length) {
      const head = ['Instance', 'Template', 'Current', 'Wanted', 'Latest', 'Registry'].map((h) => c.bold(h))
      out(
        formatTable([
          head,
          ...shown.map((r) => [
            r.name,
            safeText(r.template),
            r.deprecated ? c.yellow(safeText(r.current)) : safeText(r.current),
            r.wanted === r.current ? safeText(r.wanted ?? '-') : r.downgrade ? c.magenta(`${safeText(r.wanted ?? '-')} (downgrade)`) : c.green(safeText(r.wanted ?? '-')),
            r.latest === r.wanted ? safeText(r.latest ?? '-') : c.magenta(safeText(r.latest ?? '-')),
            r.registry,
          ]),
        ]),
      )
    } else if (rows.length) out('all instances are on the latest version')
    else if (!errors.length) out('no managed instances')
    if (!args.json) for (const r of rows) if (r.held) out(c.yellow(safeText(describeHeld(r.name, r.template, r.held))))
    if (!args.json) for (const w of retired) warn(describeRetiredWarning(w))
    reportErrors(errors)
    process.exitCode = exitCode
  },
})
