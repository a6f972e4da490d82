import { defineCommand } from 'citty'
import { CliError } from '../../shared/errors.js'
import { safeText } from '../../shared/text.js'
import { allEntries } from '../registry/entry.js'
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
    const words = (args.query ?? '').toLowerCase().split(/\s+/).filter(Boolean)
    const rows: { id: string; latest?: string; name: string; description: string; registry: string }[] = []
    for (const name of names) {
      let index
      try {
        index = await session.registries.get(name).index()
      } catch (err) {
        // One unreachable private registry should not hide the others.
        if (err instanceof CliError && names.length > 1) {
          session.warnings.push(`${name}: ${err.message}`)
          continue
        }
        throw err
      }
      const { entries, invalid } = allEntries(index)
      if (invalid.length)
        session.warnings.push(
          `${name}: ${invalid.length} index ${invalid.length === 1 ? 'entry is' : 'entries are'} invalid and not listed`,
        )
      for (const e of entries) {
        const hay = `${e.id} ${e.name} ${e.description}`.toLowerCase()
        if (words.every((w) => hay.includes(w)))
          rows.push({
            id: e.id,
            ...(e['dist-tags'].latest ? { latest: e['dist-tags'].latest } : {}),
            name: e.name,
            description: e.description,
            registry: name,
          })
      }
    }
    const warnings = [...session.warnings]
    flushWarnings(session)
    if (args.json) return emitJson('templates', 0, { templates: rows }, [], warnings)
    if (!rows.length) return out(words.length ? `no template matches "${args.query}"` : 'no templates')
    out(
      formatTable([
        ['Id', 'Latest', 'Name', 'Registry'].map((h) => c.bold(h)),
        ...rows.map((r) => [safeText(r.id), safeText(r.latest ?? ''), safeText(r.name), r.registry]),
      ]),
    )
  },
})
