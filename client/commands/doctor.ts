import { defineCommand, runCommand, type CommandDef } from 'citty'
import { safeText } from '../../shared/text.js'
import { c } from '../render/colors.js'
import { runDoctor, type Check } from '../sync/doctor.js'
import { emitJson, jsonArg, openSession, out, waitArg, write } from './_common.js'
import { doctorModelsArgs } from '../models/args.js'

const MARK = { ok: () => c.green('✓'), warn: () => c.yellow('!'), fail: () => c.red('✗') }

export default defineCommand({
  meta: {
    name: 'doctor',
    description:
      'Check PATH, the claude binary, wrappers, keys, lock vs config vs disk, the cache and registries; --fix repairs the safe ones',
  },
  args: {
    name: {
      type: 'positional',
      required: false,
      description: 'With --models: the instances to ask about (default: all)',
      valueHint: 'NAME...',
    },
    fix: {
      type: 'boolean',
      description:
        'Apply the safe fixes: file modes, missing wrappers, lost lock entries, an interrupted command, the cache, notice lines',
    },
    models: {
      type: 'boolean',
      description: 'Ask each provider (GET /v1/models) whether it still serves the models your instances map',
    },
    ...doctorModelsArgs,
    ...waitArg,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    if (args.models) {
      // Written separately (client/models); loaded only when asked for.
      const path = './doctor-models.js'
      // biome-ignore lint/suspicious/noExplicitAny: citty's CommandDef is invariant in its args; one table holds commands of every shape
      const mod = (await import(path)) as { default: CommandDef<any> }
      return (await runCommand(mod.default, { rawArgs: rawArgs.filter((a) => a !== '--models') })).result
    }
    let checks = await runDoctor()
    const fixed: string[] = []
    const fixes = checks.flatMap((x) => (x.fix && x.status !== 'ok' ? [x.fix] : []))
    if (args.fix && fixes.length) {
      const { fixInside, fixOutside } = await import('../sync/doctor-fix.js')
      const session = openSession()
      fixed.push(...fixOutside(fixes, session.paths.cache))
      // Taking the lock completes or rolls back an interrupted command by itself.
      fixed.push(...(await write(session, { command: 'doctor --fix', rawArgs }, (tx) => fixInside(session, tx, fixes))))
      if (fixes.some((f) => f.kind === 'journal')) fixed.push('finished the interrupted command')
      checks = await runDoctor()
    }
    const failed = checks.filter((x) => x.status === 'fail').length
    const warned = checks.filter((x) => x.status === 'warn').length
    const exitCode = failed ? 1 : 0
    if (args.json) emitJson('doctor', exitCode, { checks, failed, warned, fixed })
    else {
      for (const f of fixed) out(`${c.green('fixed')} ${f}`)
      for (const x of checks)
        out(`${MARK[x.status]()} ${x.check}: ${safeText(x.message)}${x.hint ? c.dim(` (${safeText(x.hint)})`) : ''}`)
      const fixable = checks.filter((x) => x.fix && x.status !== 'ok').length
      out(
        `${failed ? `${failed} problem(s)` : 'no problems'}${warned ? `, ${warned} warning(s)` : ''}${fixable && !args.fix ? `; \`claude-multi doctor --fix\` repairs ${fixable} of them` : ''}`,
      )
    }
    return exitCode
  },
})

export type { Check }
