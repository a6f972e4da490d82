import { defineCommand } from 'citty'
import { safeText } from '../../shared/text.js'
import { searchTemplates } from '../registry/search.js'
import { c } from '../render/colors.js'
import { formatTable } from '../../shared/table.js'
import { emitJson, flushWarnings, jsonArg, offlineArg, openSession, out, registryArg } from './_common.js'

export default defineCommand({
  meta: { name: 'templates', alias: 'search', description: 'List or search the provider templates of your registries' },
  args: {
    query: { type: 'positional', required: false, description: 'Words to look for in id, name and description' },
    ...registryArg,
    ...offlineArg,
    ...jsonArg,
  },
  async run({ args }) {
    const session = openSession({ offline: args.offline, registry: args.registry })
    const names = args.registry ? [args.registry] : session.registries.configs.map((r) => r.name)
    const rows = await searchTemplates(session.registries, names, args.query ?? '', (m) => session.warnings.push(m))
    const warnings = [...session.warnings]
    flushWarnings(session)
    if (args.json) return emitJson('templates', 0, { templates: rows }, [], warnings)
    if (!rows.length) return out(args.query?.trim() ? `no template matches "${args.query}"` : 'no templates')
    out(
      formatTable([
        ['Id', 'Latest', 'Name', 'Registry'].map((h) => c.bold(h)),
        ...rows.map((r) => [safeText(r.id), safeText(r.latest ?? ''), safeText(r.name), r.registry]),
      ]),
    )
  },
})
