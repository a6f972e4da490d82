import { defineCommand } from 'citty'
import { UsageError } from '../../shared/errors.js'
import { isValidVersion, parseSpec } from '../../shared/ids.js'
import { registryWrite } from '../registry/write.js'
import { openSession, out, registryArg } from './_common.js'

export default defineCommand({
  meta: { name: 'deprecate', description: 'Mark a published version deprecated (an empty message clears it)' },
  args: {
    spec: { type: 'positional', required: true, description: '<id>@<version>' },
    message: { type: 'positional', required: true, description: 'Why, and what to use instead' },
    ...registryArg,
  },
  async run({ args }) {
    const { id, range } = parseSpec(args.spec)
    if (!range || !isValidVersion(range))
      throw new UsageError(`"${args.spec}" must name one exact version, e.g. glm@1.4.0`)
    const source = openSession({ registry: args.registry }).registries.forId(id, args.registry)
    await registryWrite(
      source,
      'POST',
      `/v1/templates/${id}/${range}/deprecate`,
      JSON.stringify({ message: args.message }),
    )
    out(
      args.message
        ? `deprecated ${id}@${range} on ${source.name}`
        : `cleared the deprecation of ${id}@${range} on ${source.name}`,
    )
  },
})
