import { defineCommand } from 'citty'
import { c } from '../render/colors.js'
import { formatTable } from '../render/table.js'
import { isOutdated, outdatedRows } from '../sync/outdated.js'
import { flushWarnings, jsonArg, offlineArg, openSession, out, printJson } from './_common.js'
import { retiredForInstances } from '../models/retired-instances.js'
import { describeRetiredWarning } from '../models/retired-report.js'

export default defineCommand({
  meta: { name: 'outdated', description: 'Instances whose template has a newer version (Wanted = best in range, Latest = dist-tag)' },
  args: {
    name: { type: 'positional', required: false, description: 'Instances to check (default: all)' },
    all: { type: 'boolean', description: 'Also list instances that are current' },
    ...offlineArg,
    ...jsonArg,
  },
  async run({ args }) {
    const session = openSession({ offline: args.offline })
    const { rows, errors } = await outdatedRows(session, args._)
    const retired = await retiredForInstances(session, args._)
    flushWarnings(session)
    const shown = args.all ? rows : rows.filter(isOutdated)
    if (args.json) printJson({ instances: shown, errors, retired })
    else if (shown.length) {
      const head = ['Instance', 'Template', 'Current', 'Wanted', 'Latest', 'Registry'].map((h) => c.bold(h))
      out(
        formatTable([
          head,
          ...shown.map((r) => [
            r.name,
            r.template,
            r.deprecated ? c.yellow(r.current) : r.current,
            r.wanted === r.current ? (r.wanted ?? '-') : c.green(r.wanted ?? '-'),
            r.latest === r.wanted ? (r.latest ?? '-') : c.magenta(r.latest ?? '-'),
            r.registry,
          ]),
        ]),
      )
    } else if (rows.length) out('all instances are on the latest version')
    else if (!errors.length) out('no managed instances')
    if (!args.json) for (const w of retired) process.stderr.write(`warning: ${describeRetiredWarning(w)}\n`)
    for (const e of errors) process.stderr.write(`claude-multi: ${e.name}: ${e.message}\n`)
    process.exitCode = errors.length ? 1 : 0
  },
})
