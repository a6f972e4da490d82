import { defineCommand } from 'citty'
import { c } from '../render/colors.js'
import { formatTable } from '../../shared/table.js'
import { emitJson, jsonArg, openSession, out } from './_common.js'

export default defineCommand({
  meta: { name: 'list', description: 'List instances with their template, version, range and registry' },
  args: { ...jsonArg },
  run({ args }) {
    const session = openSession()
    const rows = session.config.instances.map((i) => {
      const e = session.lock.instances[i.name]
      return {
        name: i.name,
        template: e?.template ?? i.providerTemplate ?? null,
        version: e?.version ?? null,
        range: e?.range ?? null,
        registry: e?.registry ?? null,
        managed: Boolean(e),
        target: e?.target.path ?? i.binaryPath ?? null,
        configDir: i.configDir,
        auto: i.autoSync === true,
      }
    })
    if (args.json) return emitJson('list', 0, { instances: rows })
    if (!rows.length) return out('no instances (create one with `claude-multi add <name> <template>`)')
    const head = ['Instance', 'Template', 'Version', 'Range', 'Registry', 'Auto', 'Writes'].map((h) => c.bold(h))
    out(
      formatTable([
        head,
        ...rows.map((r) =>
          r.managed
            ? [r.name, r.template!, r.version!, r.range!, r.registry!, r.auto ? 'on' : c.dim('off'), r.target ?? '']
            : [r.name, r.template ?? '-', c.dim('not managed'), '-', '-', '-', c.dim('run `claude-multi adopt`')],
        ),
      ]),
    )
  },
})
