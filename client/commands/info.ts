import { defineCommand } from 'citty'
import { parseSpec } from '../../shared/ids.js'
import { ROLES, ROLE_ENV } from '../../shared/roles.js'
import { assertRange, pickOrThrow, requireEntry, sortVersions } from '../registry/pick.js'
import { c } from '../render/colors.js'
import { formatTable } from '../render/table.js'
import { flushWarnings, jsonArg, offlineArg, openSession, out, printJson, registryArg } from './_common.js'

export default defineCommand({
  meta: { name: 'info', description: 'Show a template: versions, tags, and the role → model table of one version' },
  args: {
    template: { type: 'positional', required: true, description: 'Template id, optionally with a range: glm, glm@^1.4' },
    ...registryArg,
    ...offlineArg,
    ...jsonArg,
  },
  async run({ args }) {
    const session = openSession({ offline: args.offline, registry: args.registry })
    const { id, range } = parseSpec(args.template)
    if (range) await assertRange(range)
    const registry = session.registries.nameFor(id, args.registry)
    const source = session.registries.get(registry)
    const entry = requireEntry(await source.index(), id, registry)
    const picked = await pickOrThrow(entry, range ?? 'latest')
    const { template: t } = await source.version(id, picked.version, entry.versions[picked.version]!.integrity)
    flushWarnings(session)
    const versions = sortVersions(Object.keys(entry.versions)).map((v) => ({ version: v, ...entry.versions[v]! }))
    if (args.json)
      return printJson({ id, registry, name: entry.name, description: entry.description, homepage: entry.homepage, 'dist-tags': entry['dist-tags'], versions, selected: t })
    const tags = Object.entries(entry['dist-tags']).map(([k, v]) => `${k}: ${v}`).join(', ')
    const lines = [
      `${c.bold(entry.id)}  ${entry.name} ${c.dim(`(${registry})`)}`,
      entry.description,
      ...(entry.homepage ? [entry.homepage] : []),
      '',
      `dist-tags: ${tags}`,
      'versions:',
      formatTable(versions.map((v) => [v.version, v.publishedAt.slice(0, 10), v.deprecated ? c.yellow(`deprecated: ${v.deprecated}`) : '']), { indent: '  ' }),
      '',
      `${c.bold(`${id}@${t.version}`)}  base URL ${t.baseUrl}, key in ${t.auth}`,
      formatTable([['Role', 'Variable', 'Model'].map((h) => c.bold(h)), ...ROLES.map((r) => [r, ROLE_ENV[r], t.models[r]])], { indent: '  ' }),
    ]
    if (Object.keys(t.env).length) lines.push('env:', formatTable(Object.entries(t.env).map(([k, v]) => [k, v === '' ? '""' : v]), { indent: '  ' }))
    if (t.inputs?.length) lines.push('inputs:', formatTable(t.inputs.map((i) => [`--input ${i.name}=…`, i.description + (i.default !== undefined ? ` (default ${i.default})` : '')]), { indent: '  ' }))
    if (t.changelog) lines.push('', `changelog: ${t.changelog}`)
    out(lines.join('\n'))
  },
})
