import { defineCommand } from 'citty'
import { repeatedFlag } from '../../shared/cli-support.js'
import { safeText } from '../../shared/text.js'
import { addInstance, parseInputs } from '../sync/add.js'
import { UsageError } from '../../shared/errors.js'
import { assertKey, readStdin } from '../state/keys.js'
import { readSecret } from '../state/secret.js'
import { assertName } from '../state/paths.js'
import { flushWarnings, jsonArg, openSession, out, emitJson, registryArg, waitArg, warn, write } from './_common.js'

export default defineCommand({
  meta: { name: 'add', description: 'Create an instance: config dir, key file, wrapper, lock entry' },
  args: {
    name: {
      type: 'positional',
      required: true,
      description: 'Instance name ([a-z0-9][a-z0-9-]*); the wrapper is claude-<name>',
    },
    template: {
      type: 'positional',
      required: true,
      description: 'Template id with optional range: glm, glm@^1.4, glm@1.5.0 (exact pin)',
    },
    input: { type: 'string', description: 'Setup input name=value (repeatable)' },
    'api-key-env': { type: 'string', description: 'Read the API key from this variable at run time' },
    'api-key-stdin': { type: 'boolean', description: 'Read the API key from stdin into a 0600 file' },
    'config-dir': { type: 'string', description: 'CLAUDE_CONFIG_DIR of the instance (default ~/.claude-<name>)' },
    ...registryArg,
    ...waitArg,
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    assertName(args.name)
    const session = openSession({ registry: args.registry })
    // Read before anything is locked: a person typing a key must not hold other writers up.
    let apiKey = args['api-key-stdin'] ? await readStdin() : undefined
    if (apiKey === undefined && !args['api-key-env']) {
      // Never a wrapper without a key: it would pass on whatever key the shell holds (say, an
      // Anthropic one) to this provider. On a terminal we ask; a script must say where the key is.
      if (!process.stdin.isTTY)
        throw new UsageError(
          'add needs the API key: pipe it in with --api-key-stdin, or name the variable that holds it with --api-key-env VAR',
          `e.g. echo "$KEY" | claude-multi add ${args.name} ${args.template} --api-key-stdin`,
        )
      apiKey = await readSecret(`API key for claude-${args.name} (input hidden): `)
    }
    if (apiKey !== undefined) assertKey(apiKey)
    const opts = {
      name: args.name,
      spec: args.template,
      inputs: parseInputs(repeatedFlag(rawArgs, '--input')),
      ...(args.registry ? { registry: args.registry } : {}),
      ...(args['config-dir'] ? { configDir: args['config-dir'] } : {}),
      ...(args['api-key-env'] ? { apiKeyEnv: args['api-key-env'] } : {}),
      ...(apiKey !== undefined ? { apiKey } : {}),
    }
    const result = await write(session, { command: `add ${args.name}`, rawArgs }, (tx) =>
      addInstance(session, tx, opts),
    )
    flushWarnings(session)
    if (result.deprecated) warn(`${result.template}@${result.version} is deprecated: ${result.deprecated}`)
    for (const w of result.warnings) warn(w)
    if (args.json) return emitJson('add', 0, { ...result })
    out(
      safeText(`added ${result.name}: ${result.template}@${result.version} (${result.range}) from ${result.registry}`),
    )
    out(`  wrapper     ${safeText(result.wrapper)}`)
    out(`  config dir  ${safeText(result.configDir)}`)
  },
})
