import { defineCommand } from 'citty'
import { UsageError } from '../../shared/errors.js'
import { isValidId, isValidVersion } from '../../shared/ids.js'
import { registryWrite } from '../registry/write.js'
import { openSession, out, registryArg } from './_common.js'

export default defineCommand({
  meta: { name: 'dist-tag', description: 'Point a dist-tag (latest, beta, …) of a template at a version' },
  args: {
    id: { type: 'positional', required: true, description: 'Template id' },
    tag: { type: 'positional', required: true, description: 'Tag name' },
    version: { type: 'positional', required: true, description: 'Exact version' },
    ...registryArg,
  },
  async run({ args }) {
    if (!isValidId(args.id)) throw new UsageError(`"${args.id}" is not a valid template id`)
    if (!/^[a-z][a-z0-9._-]*$/i.test(args.tag) || isValidVersion(args.tag))
      throw new UsageError(`"${args.tag}" is not a valid tag name`)
    if (!isValidVersion(args.version)) throw new UsageError(`"${args.version}" is not a version`)
    const source = openSession({ registry: args.registry }).registries.forId(args.id, args.registry)
    await registryWrite(
      source,
      'PUT',
      `/v1/templates/${args.id}/dist-tags/${args.tag}`,
      JSON.stringify({ version: args.version }),
    )
    out(`${args.id}: ${args.tag} → ${args.version} on ${source.name}`)
  },
})
