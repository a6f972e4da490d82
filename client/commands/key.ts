import { defineCommand } from 'citty'
import { CliError, UsageError } from '../../shared/errors.js'
import { ENV_NAME_RE } from '../../shared/roles.js'
import { parseWrapper, renderKeyLines, spliceWrapper } from '../../shared/wrapper.js'
import { requireInstance } from '../state/config.js'
import { readText } from '../state/json-file.js'
import { assertKey, writeKeyFile, readStdin } from '../state/keys.js'
import { saveLock, type KeyRef } from '../state/lock.js'
import { digestOf } from '../../shared/digest.js'
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
    await write(session, { command: `key ${args.name}`, rawArgs }, async (tx) => {
      const inst = requireInstance(session.config, args.name)
      const entry = session.lock.instances[args.name]
      if (entry?.target.kind !== 'wrapper')
        throw new CliError('E_UNMANAGED', `${args.name} has no claude-multi wrapper; its key stays where it is`)
      const key: KeyRef = envVar ? { env: envVar } : { file: writeKeyFile(tx, inst.configDir, secret!) }
      const text = readText(entry.target.path)
      if (text === undefined)
        throw new CliError(
          'E_MISSING',
          `${entry.target.path} does not exist`,
          1,
          `re-create it with \`claude-multi sync ${args.name}\``,
        )
      const doc = await session.registries.get(entry.registry).version(entry.template, entry.version, entry.integrity)
      const parsed = parseWrapper(text)
      if (envVar && Object.hasOwn(parsed.env, envVar))
        throw new UsageError(
          `--api-key-env ${envVar}: the wrapper itself sets ${envVar}`,
          'name another variable for the key',
        )
      const next = spliceWrapper(
        parsed,
        parsed.env,
        undefined,
        renderKeyLines(args.name, doc.template.auth, key, Object.keys(parsed.env)),
      )
      tx.write(entry.target.path, next)
      entry.key = key
      entry.written = digestOf(next)
      saveLock(tx, session.paths, session.lock)
    })
    out(`${args.name}: the wrapper now reads the key from ${envVar ? `$${envVar}` : 'its 0600 key file'}`)
  },
})
