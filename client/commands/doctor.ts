import { defineCommand, runCommand, type CommandDef } from 'citty'
import { safeText } from '../../shared/text.js'
import { c } from '../render/colors.js'
import { runDoctor } from '../sync/doctor.js'
import { jsonArg, out, printJson } from './_common.js'
import { doctorModelsArgs } from '../models/args.js'

const MARK = { ok: () => c.green('✓'), warn: () => c.yellow('!'), fail: () => c.red('✗') }

export default defineCommand({
  meta: { name: 'doctor', description: 'Check PATH, the claude binary, wrappers, lock vs disk and registries' },
  args: {
    models: { type: 'boolean', description: 'Ask each provider (GET /v1/models) whether it still serves the models your instances map' },
    ...doctorModelsArgs,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    if (args.models) {
      // Written separately (client/models); loaded only when asked for.
      const path = './doctor-models.js'
      const mod = (await import(path)) as { default: CommandDef<any> }
      await runCommand(mod.default, { rawArgs: rawArgs.filter((a) => a !== '--models') })
      return
    }
    const checks = await runDoctor()
    const failed = checks.filter((x) => x.status === 'fail').length
    const warned = checks.filter((x) => x.status === 'warn').length
    if (args.json) printJson({ checks, failed, warned })
    else {
      for (const x of checks) out(`${MARK[x.status]()} ${x.check}: ${safeText(x.message)}${x.hint ? c.dim(` (${safeText(x.hint)})`) : ''}`)
      out(failed ? `${failed} problem(s), ${warned} warning(s)` : warned ? `no problems, ${warned} warning(s)` : 'no problems')
    }
    process.exitCode = failed ? 1 : 0
  },
})
