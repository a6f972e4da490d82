import { defineCommand } from 'citty'
import { formatTable } from '../../shared/table.js'
import { CliError, UsageError } from '../../shared/errors.js'
import { isScopePattern, newToken } from '../tokens.js'
import { openStoreFromArgs, storeArgs } from './_store-args.js'

const create = defineCommand({
  meta: { name: 'create', description: 'Create a token; the secret is printed once, only its hash is stored' },
  args: {
    name: { type: 'string', required: true, description: 'A label, e.g. ci or alice' },
    scope: { type: 'string', description: "Ids it may publish: '*', '@acme/*' or an exact id (comma-separated)" },
    read: { type: 'boolean', default: false, description: 'Read-only token (for serve --auth-read)' },
    json: { type: 'boolean', default: false, description: 'Print {id, name, scopes, readOnly, token} as JSON' },
    ...storeArgs,
    init: { type: 'boolean', default: false, description: 'Create the --data directory when it does not exist' },
  },
  async run({ args }) {
    const name = args.name?.trim()
    if (!name || name.length > 100 || /[\u0000-\u001f]/.test(name))
      throw new UsageError('--name must be 1 to 100 printable characters')
    const scopes = (args.scope ?? (args.read ? '*' : ''))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    if (scopes.length === 0)
      throw new UsageError(
        '--scope is required for a publish token',
        "use --scope '@acme/*', an exact id, or '*' for every id",
      )
    const bad = scopes.find((s) => !isScopePattern(s))
    if (bad)
      throw new UsageError(`--scope "${bad}" is not a scope pattern`, "use '*', '@acme/*' or an exact id such as glm")
    const { store, dataDir } = await openStoreFromArgs(args, { init: args.init, writesSecrets: true })
    try {
      const { secret, record } = newToken(name, scopes, args.read)
      await store.addToken(record)
      if (args.json) {
        process.stdout.write(
          `${JSON.stringify({ id: record.id, name, scopes, readOnly: record.readOnly, token: secret })}\n`,
        )
      } else {
        process.stdout.write(`${secret}\n`)
        process.stderr.write(
          `created ${record.readOnly ? 'read-only' : 'publish'} token ${record.id} "${name}" for ${scopes.join(', ')} in ${dataDir ?? `the ${store.kind} store`}; the secret above is shown only once\n`,
        )
      }
    } finally {
      await store.close()
    }
  },
})

const list = defineCommand({
  meta: { name: 'list', description: 'List tokens (never their secrets)' },
  args: { json: { type: 'boolean', default: false, description: 'Print JSON' }, ...storeArgs },
  async run({ args }) {
    const { store } = await openStoreFromArgs(args, { tokensOf: 'list' })
    try {
      const tokens = (await store.listTokens()).map(({ hash: _, ...t }) => t)
      if (args.json) {
        process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`)
        return
      }
      if (tokens.length === 0) {
        process.stdout.write(
          'no tokens; create one with claude-multi-registry token create --name NAME --scope SCOPE and the same --data or --store\n',
        )
        return
      }
      const rows = [
        ['ID', 'NAME', 'ACCESS', 'SCOPES', 'CREATED'],
        ...tokens.map((t) => [
          t.id,
          t.name,
          t.readOnly ? 'read' : 'publish',
          t.scopes.join(','),
          t.createdAt.slice(0, 10),
        ]),
      ]
      process.stdout.write(`${formatTable(rows)}\n`)
    } finally {
      await store.close()
    }
  },
})

const revoke = defineCommand({
  meta: { name: 'revoke', description: 'Revoke a token by its id (see token list)' },
  args: { id: { type: 'positional', required: true, description: 'Token id, e.g. tok_1a2b3c4d5e6f' }, ...storeArgs },
  async run({ args }) {
    const { store } = await openStoreFromArgs(args, { tokensOf: 'revoke' })
    try {
      if (!(await store.revokeToken(args.id)))
        throw new CliError(
          'E_NOT_FOUND',
          `no token with id "${args.id}"`,
          1,
          'see `claude-multi-registry token list` with the same --data or --store',
        )
      process.stdout.write(`revoked ${args.id}\n`)
    } finally {
      await store.close()
    }
  },
})

export default defineCommand({
  meta: { name: 'token', description: 'Manage publish and read tokens' },
  subCommands: { create, list, revoke },
})
