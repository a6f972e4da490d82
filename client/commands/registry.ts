import { defineCommand } from 'citty'
import { UsageError } from '../../shared/errors.js'
import { ENV_NAME_RE } from '../../shared/roles.js'
import { storeToken } from '../registry/auth.js'
import { addRegistry, assertLoginTarget, listRegistries, removeRegistry } from '../registry/manage.js'
import { c } from '../render/colors.js'
import { formatTable } from '../../shared/table.js'
import { loadConfig } from '../state/config.js'
import { NAME_RE, resolvePaths } from '../state/paths.js'
import { readSecret } from '../state/secret.js'
import { emitJson, jsonArg, openSession, out, waitArg, write } from './_common.js'
import { fetchFirstKey, keyFromArg } from '../trust/pin.js'

const add = defineCommand({
  meta: { name: 'add', description: 'Add a registry (a scope routes @scope/ids to it)' },
  args: {
    name: { type: 'positional', required: true, description: 'Registry name' },
    url: { type: 'positional', required: true, description: 'Base URL, e.g. https://templates.acme.internal' },
    scope: { type: 'string', description: 'Scope this registry owns, e.g. @acme' },
    'token-env': { type: 'string', description: 'Variable holding the token (else `registry login`)' },
    key: {
      type: 'string',
      description: "Pin the registry's signing key (base64, or a file such as its public-key.json)",
    },
    'trust-first-key': { type: 'boolean', description: 'Pin whatever key the registry serves now (prints its key id)' },
    ...waitArg,
  },
  async run({ args, rawArgs }) {
    if (!NAME_RE.test(args.name))
      throw new UsageError(`"${args.name}" is not a valid registry name`, 'use lowercase letters, digits and dashes')
    let url: URL
    try {
      url = new URL(args.url)
    } catch {
      throw new UsageError(`"${args.url}" is not a URL`)
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new UsageError(`"${args.url}" must be an http(s) URL`)
    if (args.scope !== undefined && !/^@[a-z0-9][a-z0-9-]*$/.test(args.scope))
      throw new UsageError(`--scope "${args.scope}" must look like @acme`)
    if (args['token-env'] !== undefined && !ENV_NAME_RE.test(args['token-env']))
      throw new UsageError(`--token-env "${args['token-env']}" is not a variable name`)
    if (args.key && args['trust-first-key']) throw new UsageError('give either --key or --trust-first-key, not both')
    // A registry that needs a token for reads (`serve --auth-read`) needs it for keys.json too.
    const readToken = args['token-env'] ? process.env[args['token-env']] : undefined
    const pinned = args.key
      ? keyFromArg(args.key)
      : args['trust-first-key']
        ? await fetchFirstKey(url.toString(), readToken ? { authorization: `Bearer ${readToken}` } : {})
        : undefined
    if (args['trust-first-key'] && pinned)
      out(`trusting key ${pinned.keyId} of ${args.name} on first use; check that id with the registry's operator`)
    const session = openSession()
    await write(session, { command: `registry add ${args.name}`, rawArgs }, (tx) =>
      addRegistry(session, tx, {
        name: args.name,
        url: url.toString().replace(/\/+$/, ''),
        ...(args.scope ? { scope: args.scope } : {}),
        ...(args['token-env'] ? { tokenEnv: args['token-env'] } : {}),
        ...(pinned ? { publicKey: pinned.publicKey } : {}),
      }),
    )
    out(
      `added registry ${args.name} (${args.url})${args.scope ? ` for ${args.scope}/*` : ''}${pinned ? `, signing key ${pinned.keyId} pinned` : ''}`,
    )
  },
})

const list = defineCommand({
  meta: { name: 'list', description: 'List registries' },
  args: { ...jsonArg },
  run({ args }) {
    const paths = resolvePaths()
    const rows = listRegistries(paths, loadConfig(paths).config, process.env)
    if (args.json) return emitJson('registry list', 0, { registries: rows })
    out(
      formatTable([
        ['Name', 'URL', 'Scope', 'Token'].map((h) => c.bold(h)),
        ...rows.map((r) => [r.name, r.url === 'bundled' ? 'bundled catalogue' : r.url, r.scope ?? '-', r.token ?? '-']),
      ]),
    )
  },
})

const remove = defineCommand({
  meta: { name: 'remove', description: 'Remove a registry and its stored token' },
  args: { name: { type: 'positional', required: true, description: 'Registry name' }, ...waitArg },
  async run({ args, rawArgs }) {
    const session = openSession()
    await write(session, { command: `registry remove ${args.name}`, rawArgs }, (tx) =>
      removeRegistry(session, tx, args.name),
    )
    out(`removed registry ${args.name}`)
  },
})

const login = defineCommand({
  meta: { name: 'login', description: 'Store a token for a registry (read from stdin, kept 0600, never shown)' },
  args: { name: { type: 'positional', required: true, description: 'Registry name' }, ...waitArg },
  async run({ args, rawArgs }) {
    const paths = resolvePaths()
    assertLoginTarget(loadConfig(paths).config, args.name, process.env)
    const token = await readSecret('token: ')
    if (!token || /\s/.test(token)) throw new UsageError('the token read from stdin is empty or contains spaces')
    const file = await write(openSession(), { command: `registry login ${args.name}`, rawArgs }, (tx) =>
      storeToken(tx, paths, args.name, token),
    )
    out(`token for ${args.name} stored in ${file} (0600)`)
  },
})

export default defineCommand({
  meta: { name: 'registry', description: 'Manage registries: add, list, remove, login' },
  subCommands: { add, list, remove, login },
})
