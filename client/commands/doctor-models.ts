import { defineCommand } from 'citty'
import { UsageError } from '../../shared/errors.js'
import { doctorModelsArgs } from '../models/args.js'
import { checkModels, exitCodeOf } from '../models/check.js'
import { DEFAULT_TIMEOUT_MS } from '../models/http.js'
import { renderModelsReport } from '../models/render.js'
import { loadModelTargets } from '../models/targets.js'

export interface DoctorModelsOptions {
  probe?: boolean
  /** Seconds per request, as given on the command line (`--timeout 30`). */
  timeout?: string | number
  json?: boolean
  color?: boolean
}

export function parseTimeout(raw: string | number | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_TIMEOUT_MS
  const seconds = Number(raw)
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(`--timeout ${raw} is not a number of seconds`, 'e.g. --timeout 30')
  return Math.round(seconds * 1000)
}

/**
 * `claude-multi doctor --models [name…]`: asks each instance's provider whether it still serves
 * the mapped models. Prints the tables (or JSON) and returns the exit code: 0 when every model is
 * confirmed served, 1 otherwise.
 */
export async function runDoctorModels(names: string[], opts: DoctorModelsOptions = {}): Promise<number> {
  const timeoutMs = parseTimeout(opts.timeout)
  const report = await checkModels(await loadModelTargets(names), { probe: opts.probe ?? false, timeoutMs })
  const code = exitCodeOf(report)
  process.stdout.write(
    opts.json
      ? `${JSON.stringify({ command: 'doctor --models', exitCode: code, ...report, errors: [], warnings: [] }, null, 2)}\n`
      : renderModelsReport(report, { color: opts.color ?? false }),
  )
  return code
}

export default defineCommand({
  meta: {
    name: 'doctor --models',
    description: "Check that every instance's provider still serves the models it maps",
  },
  args: {
    ...doctorModelsArgs,
    json: { type: 'boolean', description: 'Print JSON instead of tables' },
  },
  async run({ args }) {
    const { useColor } = await import('../render/colors.js')
    const code = await runDoctorModels(args._.map(String), {
      probe: args.probe,
      timeout: args.timeout,
      json: args.json,
      color: useColor,
    })
    return code
  },
})
