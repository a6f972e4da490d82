import { defineCommand } from 'citty'
import { applyPlans } from '../sync/apply.js'
import { planAll } from '../sync/run.js'
import { renderFileDiff, renderSummary, summarize } from '../render/sync.js'
import { c } from '../render/colors.js'
import { flushWarnings, jsonArg, offlineArg, openSession, out, printJson, waitArg, write } from './_common.js'
import { describeRetiredWarning, retiredWarnings } from '../models/retired-report.js'

export default defineCommand({
  meta: { name: 'sync', description: 'Move instances to the newest version their pin allows, keeping your changes' },
  args: {
    name: { type: 'positional', required: false, description: 'Instances to sync (default: all)' },
    'dry-run': { type: 'boolean', description: 'Show the full change, write nothing' },
    check: { type: 'boolean', description: 'Write nothing; exit 100 when updates exist, 0 when current' },
    theirs: { type: 'boolean', description: 'On a conflict take the new version’s value (and drop that override)' },
    ...offlineArg,
    ...waitArg,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const session = openSession({ offline: args.offline })
    const theirs = Boolean(args.theirs)
    const mode = args.check ? 'check' : args['dry-run'] ? 'dry-run' : 'sync'
    const run = async (tx?: Parameters<typeof applyPlans>[1]) => {
      const r = await planAll(session, args._, { theirs })
      // Current values (overrides included) naming a retired model: warned about, never rewritten.
      for (const p of r.plans) p.warnings.push(...retiredWarnings(p).filter((w) => mode !== 'sync' || !w.fixedBySync).map(describeRetiredWarning))
      return { ...r, written: tx ? applyPlans(session, tx, r.plans) : [] }
    }
    const { plans, errors, unmanaged, written } = mode === 'sync' ? await write(session, { command: 'sync', rawArgs }, (tx) => run(tx)) : await run()
    const summaries = plans.map((p) => summarize(p, theirs))
    flushWarnings(session)
    for (const p of plans) for (const w of p.warnings) process.stderr.write(`warning: ${w}\n`)
    const updates = plans.filter((p) => p.changed).map((p) => p.name)
    if (args.json) {
      printJson({ mode, instances: summaries.map((s) => ({ ...s, written: written.includes(s.name) })), updates, errors, unmanaged })
    } else {
      const blocks: string[] = []
      for (const [i, s] of summaries.entries()) {
        blocks.push(renderSummary(s, mode))
        if (mode === 'dry-run' && plans[i]!.changed) blocks.push(await renderFileDiff(plans[i]!.target.path, plans[i]!.currentText, plans[i]!.nextText))
      }
      if (blocks.length) out(blocks.filter(Boolean).join('\n'))
      if (!plans.length && !errors.length) out('no managed instances (add one with `claude-multi add`, or `claude-multi adopt` older ones)')
      if (unmanaged.length) out(c.dim(`not managed: ${unmanaged.join(', ')} (run \`claude-multi adopt\`)`))
      if (mode === 'check' && plans.length) out(updates.length ? `${updates.length} instance(s) can be updated: run \`claude-multi sync\`` : 'all instances up to date')
      if (mode === 'sync' && plans.length) out(written.length ? `${written.length} instance(s) updated, ${plans.length - written.length} already current` : 'all instances up to date')
    }
    for (const e of errors) process.stderr.write(`claude-multi: ${e.name}: ${e.message}\n`)
    process.exitCode = errors.length ? 1 : mode === 'check' && updates.length ? 100 : 0
  },
})
