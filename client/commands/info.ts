import { defineCommand } from 'citty'
import { parseSpec } from '../../shared/ids.js'
import { ROLES, ROLE_ENV } from '../../shared/roles.js'
import { safeText as s } from '../../shared/text.js'
import { sortVersions } from '../../shared/versions.js'
import { assertRange, pickOrThrow, requireSourceEntry } from '../registry/pick.js'
import { c } from '../render/colors.js'
import { formatTable } from '../../shared/table.js'
import { emitJson, flushWarnings, jsonArg, offlineArg, openSession, out, registryArg } from './_common.js'

export default defineCommand({
  meta: { name: 'info', description: 'Show a template: versions, tags, and the role → model table of one version' },
  args: {
    template: {
      type: 'positional',
      required: true,
      description: 'Template id, optionally with a range: glm, glm@^1.4',
    },
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
    // The id's own signed document, not the whole catalogue (the index only from an older server).
    const entry = await requireSourceEntry(source, id)
    const picked = await pickOrThrow(
      entry,
      range ?? 'latest',
      `give one of them, e.g. ${entry.id}@${entry['dist-tags'].latest ?? '<version>'}`,
    )
    const { template: t } = await source.version(id, picked.version, entry.versions[picked.version]!.integrity)
    flushWarnings(session)
    const versions = sortVersions(Object.keys(entry.versions), 'newest-first').map((v) => ({
      version: v,
      ...entry.versions[v]!,
    }))
    if (args.json)
      return emitJson('info', 0, {
        id,
        registry,
        name: entry.name,
        description: entry.description,
        homepage: entry.homepage,
        'dist-tags': entry['dist-tags'],
        versions,
        selected: t,
      })
    // Everything below comes from the registry: escaped, so no byte of it can drive the terminal.
    const tags = Object.entries(entry['dist-tags'])
      .map(([k, v]) => `${s(k)}: ${s(v)}`)
      .join(', ')
    const lines = [
      `${c.bold(s(entry.id))}  ${s(entry.name)} ${c.dim(`(${registry})`)}`,
      s(entry.description),
      ...(entry.homepage ? [s(entry.homepage)] : []),
      '',
      `dist-tags: ${tags}`,
      'versions:',
      formatTable(
        versions.map((v) => [
          s(v.version),
          s(v.publishedAt.slice(0, 10)),
          v.deprecated ? c.yellow(`deprecated: ${s(v.deprecated)}`) : '',
        ]),
        { indent: '  ' },
      ),
      '',
      `${c.bold(`${s(id)}@${s(t.version)}`)}  base URL ${s(t.baseUrl)}, key in ${s(t.auth)}`,
      formatTable(
        [['Role', 'Variable', 'Model'].map((h) => c.bold(h)), ...ROLES.map((r) => [r, ROLE_ENV[r], s(t.models[r])])],
        { indent: '  ' },
      ),
    ]
    if (Object.keys(t.env).length)
      lines.push(
        'env:',
        formatTable(
          Object.entries(t.env).map(([k, v]) => [s(k), v === '' ? '""' : s(v)]),
          { indent: '  ' },
        ),
      )
    if (t.inputs?.length)
      lines.push(
        'inputs:',
        formatTable(
          t.inputs.map((i) => [
            `--input ${s(i.name)}=…`,
            s(i.description + (i.default !== undefined ? ` (default ${i.default})` : '')),
          ]),
          { indent: '  ' },
        ),
      )
    if (t.changelog) lines.push('', `changelog: ${s(t.changelog)}`)
    out(lines.join('\n'))
  },
})
