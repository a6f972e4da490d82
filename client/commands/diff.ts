import { defineCommand } from 'citty'
import { safeText } from '../../shared/text.js'
import { isValidVersion } from '../../shared/ids.js'
import { UsageError } from '../../shared/errors.js'
import { c } from '../render/colors.js'
import { diffRows, STATUS_TEXT } from '../render/diff.js'
import { show } from '../render/labels.js'
import { formatTable } from '../../shared/table.js'
import { planInstance } from '../sync/plan.js'
import { describeHeld } from '../sync/hold.js'
import { emitJson, flushWarnings, jsonArg, offlineArg, openSession, out, warn } from './_common.js'

export default defineCommand({
  meta: { name: 'diff', description: 'Per variable: your value, the value after sync, and which of yours sync keeps' },
  args: {
    name: { type: 'positional', required: true, description: 'Instance' },
    to: { type: 'string', description: 'Compare with this version instead of the best one in range' },
    theirs: { type: 'boolean', description: 'Show conflicts resolved with upstream values' },
    ...offlineArg,
    ...jsonArg,
  },
  async run({ args }) {
    if (args.to !== undefined && !isValidVersion(args.to))
      throw new UsageError(`--to "${args.to}" is not a version`, 'give an exact version such as 1.5.0')
    const session = openSession({ offline: args.offline })
    const plan = await planInstance(session, args.name, {
      ...(args.to ? { to: args.to } : {}),
      theirs: Boolean(args.theirs),
    })
    flushWarnings(session)
    const rows = diffRows(plan)
    if (args.json)
      return emitJson(
        'diff',
        0,
        {
          name: plan.name,
          template: plan.template,
          from: plan.current,
          to: plan.wanted,
          variables: rows,
          ...(plan.held ? { held: plan.held } : {}),
          contract: plan.contract,
        },
        [],
        plan.warnings,
      )
    const colour = (s: string, t: string) =>
      s === 'conflict'
        ? c.red(t)
        : s === 'update' || s === 'added' || s === 'removed'
          ? c.green(t)
          : s === 'same'
            ? c.dim(t)
            : c.cyan(t)
    out(
      `${c.bold(plan.name)}  ${safeText(`${plan.template} ${plan.current} → ${plan.wanted}`)} ${c.dim(`(${plan.registry})`)}`,
    )
    out(
      formatTable([
        ['Variable', 'Local', 'After sync', 'Why'].map((h) => c.bold(h)),
        ...rows.map((r) => [
          r.role ?? r.key,
          show(r.key, r.local),
          colour(r.status, show(r.key, r.next)),
          colour(r.status, STATUS_TEXT[r.status]),
        ]),
      ]),
    )
    if (plan.contract.length) out(c.yellow(safeText(`contract changes: ${plan.contract.join('; ')}`)))
    if (plan.held) out(c.yellow(safeText(describeHeld(plan.name, plan.template, plan.held))))
    for (const w of plan.warnings) warn(w)
  },
})
