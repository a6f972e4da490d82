import { defineCommand } from 'citty'
import { UsageError } from '../../shared/errors.js'
import { removeInstance, type RemoveResult } from '../sync/remove.js'
import { confirm, emitJson, jsonArg, openSession, out, waitArg, write, yesArg } from './_common.js'

const describe = (results: RemoveResult[]) =>
  results
    .map((r) =>
      [
        `${r.name}:`,
        ...r.removed.map((p) => `  remove ${p}`),
        ...r.kept.map((k) => `  keep   ${k.path} (${k.why})`),
      ].join('\n'),
    )
    .join('\n')

export default defineCommand({
  meta: {
    name: 'remove',
    description: 'Delete instances: wrapper, config and lock entries, key file, overrides, and the config dir',
  },
  args: {
    name: { type: 'positional', required: true, description: 'Instances to remove', valueHint: 'NAME...' },
    'keep-config-dir': {
      type: 'boolean',
      description:
        "Keep the config dir (Claude Code's own data: history, settings); only claude-multi's files in it go",
    },
    ...yesArg,
    ...waitArg,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const names = [...new Set(args._)]
    if (!names.length) throw new UsageError('name the instances to remove')
    const session = openSession()
    const results = await write(
      session,
      { command: `remove ${names.join(' ')}`, rawArgs },
      (tx) => names.map((n) => removeInstance(session, tx, n, { keepConfigDir: Boolean(args['keep-config-dir']) })),
      (planned) => confirm(args.json ? '' : describe(planned), `Remove ${names.join(', ')}?`, args.yes),
    )
    if (args.json) return emitJson('remove', 0, { removed: results })
    out(
      results
        .map((r) => `removed ${r.name}${r.kept.length ? ` (kept ${r.kept.map((k) => k.path).join(', ')})` : ''}`)
        .join('\n'),
    )
  },
})
