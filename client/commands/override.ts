import { defineCommand } from 'citty'
import { CliError, UsageError } from '../../shared/errors.js'
import { refusedEnvProblem } from '../../shared/env-refused.js'
import { ENV_NAME_RE, isRole, toEnvName } from '../../shared/roles.js'
import { show, label } from '../render/labels.js'
import { formatTable } from '../../shared/table.js'
import { requireInstance } from '../state/config.js'
import { loadOverrides } from '../state/overrides.js'
import { overrideInstance } from '../sync/override.js'
import { repeatedFlag } from '../../shared/cli-support.js'
import { flushWarnings, jsonArg, offlineArg, openSession, out, emitJson, waitArg, write } from './_common.js'
import { isOneLine } from '../../shared/values.js'

const keyOf = (raw: string): string => {
  if (isRole(raw) || ENV_NAME_RE.test(raw)) return toEnvName(raw)
  throw new UsageError(`"${raw}" is neither a role (default, fast, sonnet, opus, haiku) nor a variable name`)
}

/** A value may be given only to a name the wrapper can export; refused before anything is saved. */
const assignable = (raw: string): string => {
  const key = keyOf(raw)
  const refused = refusedEnvProblem(key)
  if (refused) throw new CliError('E_VALUE', refused)
  return key
}

export default defineCommand({
  meta: { name: 'override', description: 'Set, remove or list your own values; they survive every sync' },
  args: {
    name: { type: 'positional', required: true, description: 'Instance' },
    assignment: {
      type: 'positional',
      required: false,
      description: '<role|VAR>=<value>, one or more',
      valueHint: '<role|VAR>=<value>...',
    },
    unset: { type: 'string', description: 'Drop the override of <role|VAR> (back to the template value)' },
    remove: { type: 'string', description: 'Keep <role|VAR> out of the instance altogether' },
    list: { type: 'boolean', description: 'List the overrides' },
    ...offlineArg,
    ...waitArg,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const session = openSession({ offline: args.offline })
    const assignments = args._.slice(1)
    const unset = repeatedFlag(rawArgs, '--unset').map(keyOf)
    const remove = repeatedFlag(rawArgs, '--remove').map(keyOf)
    if (args.list || (!assignments.length && !unset.length && !remove.length)) {
      const overrides = loadOverrides(requireInstance(session.config, args.name).configDir)
      if (args.json) return emitJson('override', 0, { name: args.name, overrides })
      const rows = Object.entries(overrides).map(([k, v]) => [label(k), v === null ? '(removed)' : show(k, v)])
      return out(rows.length ? formatTable(rows) : `${args.name} has no overrides`)
    }
    const changes: [string, string | null][] = []
    for (const a of assignments) {
      const eq = a.indexOf('=')
      if (eq <= 0) throw new UsageError(`"${a}" must be <role|VAR>=<value>`)
      const value = a.slice(eq + 1)
      if (!isOneLine(value)) throw new UsageError('a value must not contain a newline or NUL')
      changes.push([assignable(a.slice(0, eq)), value])
    }
    for (const k of remove) changes.push([k, null])
    // Saved and applied in one transaction: a value the wrapper refuses leaves every file as it was.
    const { overrides, plan } = await write(session, { command: `override ${args.name}`, rawArgs }, (tx) =>
      overrideInstance(session, tx, args.name, changes, unset),
    )
    flushWarnings(session)
    if (args.json) return emitJson('override', 0, { name: args.name, overrides, written: plan.changed })
    out(`${args.name}: overrides saved${plan.changed ? ` and applied to ${plan.target.path}` : ''}`)
  },
})
