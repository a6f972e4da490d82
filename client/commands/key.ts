import { defineCommand } from 'citty'
import { UsageError } from '../../shared/errors.js'
import { ENV_NAME_RE } from '../../shared/roles.js'
import { requireInstance } from '../state/config.js'
import { assertKey, readStdin } from '../state/keys.js'
import { changeKey } from '../sync/key.js'
import { openSession, out, waitArg, write } from './_common.js'

export default defineCommand({
  meta: { name: 'key', description: 'Store or change where an instance gets its API key (never printed)' },
  args: {
    name: { type: 'positional', required: true, description: 'Instance' },
    'api-key-stdin': {
      type: 'boolean',
      description: 'Read the key from stdin into <configDir>/.claude-multi-key (0600)',
    },
    'api-key-env': { type: 'string', description: 'Read the key from this variable at run time instead' },
    ...waitArg,
  },
  async run({ args, rawArgs }) {
    const envVar = args['api-key-env']
    if (Boolean(envVar) === Boolean(args['api-key-stdin']))
      throw new UsageError('give exactly one of --api-key-stdin or --api-key-env VAR')
    if (envVar && !ENV_NAME_RE.test(envVar)) throw new UsageError(`--api-key-env "${envVar}" is not a variable name`)
    const session = openSession()
    requireInstance(session.config, args.name)
    // Read before anything is locked: a person typing a key must not hold other writers up.
    const secret = envVar ? undefined : await readStdin()
    if (secret !== undefined) assertKey(secret)
    await write(session, { command: `key ${args.name}`, rawArgs }, (tx) =>
      changeKey(session, tx, args.name, envVar ? { env: envVar } : { secret: secret! }),
    )
    out(`${args.name}: the wrapper now reads the key from ${envVar ? `$${envVar}` : 'its 0600 key file'}`)
  },
})
