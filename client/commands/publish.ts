import { defineCommand } from 'citty'
import { CliError, ValidationError } from '../../shared/errors.js'
import { readText } from '../state/json-file.js'
import { registryWrite } from '../registry/write.js'
import { jsonArg, openSession, out, emitJson, registryArg } from './_common.js'

export default defineCommand({
  meta: { name: 'publish', description: 'Validate a template version locally, then publish it (needs a token)' },
  args: {
    file: { type: 'positional', required: true, description: 'The version document, e.g. gateway-1.2.0.json' },
    ...registryArg,
    ...jsonArg,
  },
  async run({ args }) {
    const text = readText(args.file)
    if (text === undefined) throw new CliError('E_MISSING', `${args.file} does not exist`)
    const { parseTemplateJson } = await import('../../shared/schema.js')
    const parsed = parseTemplateJson(text)
    // Every problem at once, each with its JSON path, before anything goes over the network.
    if (!parsed.ok) throw new ValidationError(parsed.issues, args.file)
    const { id, version } = parsed.template
    const session = openSession({ registry: args.registry })
    const source = session.registries.forId(id, args.registry)
    const result = await registryWrite(source, 'PUT', `/v1/templates/${id}/${version}`, text)
    if (args.json) return emitJson('publish', 0, { id, version, registry: source.name, result })
    out(`published ${id}@${version} to ${source.name} (${source.url})`)
  },
})
