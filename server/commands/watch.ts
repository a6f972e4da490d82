import { relative } from 'node:path'
import { defineCommand } from 'citty'
import { CliError, UsageError } from '../../shared/errors.js'
import { isValidId } from '../../shared/ids.js'
import { pairs, repeated } from '../models/argv.js'
import { watchTemplates } from '../models/watch.js'
import { openStoreFromArgs, storeArgs } from './_store-args.js'
import { safeJson, safeText } from '../../shared/text.js'

/**
 * `claude-multi-registry watch [id…] --key-env VAR`: asks each provider which models it lists and
 * writes a draft next version to `drafts/<id>/<version>.json` when something changed.
 */
export default defineCommand({
  meta: {
    name: 'watch',
    description: "Compare each provider's model list with its template and draft the next version",
  },
  args: {
    ids: { type: 'positional', description: 'template ids (default: all)', required: false },
    'key-env': {
      type: 'string',
      description: 'variable holding the provider key: VAR for all, or id=VAR (repeatable)',
      valueHint: '[id=]VAR',
    },
    'provider-url': {
      type: 'string',
      description: "ask this base URL instead of the template's (repeatable)",
      valueHint: 'id=URL',
    },
    drafts: { type: 'string', description: 'where drafts are written', default: 'drafts' },
    ...storeArgs,
    timeout: { type: 'string', description: 'seconds to wait for each provider', default: '10' },
    publish: { type: 'boolean', description: 'publish each draft to --registry with the token in --token-env' },
    registry: { type: 'string', description: 'registry URL for --publish' },
    'token-env': { type: 'string', description: 'variable holding the publish token for --publish', valueHint: 'VAR' },
    json: { type: 'boolean', description: 'print the results as JSON' },
  },
  async run({ args, rawArgs }) {
    const ids = args._.map(String)
    const bad = ids.find((id) => !isValidId(id))
    if (bad) throw new UsageError(`"${bad}" is not a valid template id`, 'e.g. glm or @acme/gateway')
    const seconds = Number(args.timeout)
    if (!(seconds > 0))
      throw new UsageError(`--timeout ${args.timeout} is not a number of seconds`, 'e.g. --timeout 30')

    let publish: { registry: string; token: string } | undefined
    if (args.publish) {
      const tokenVar = args['token-env']
      if (!args.registry || !tokenVar) throw new UsageError('--publish needs --registry URL and --token-env VAR')
      const token = process.env[tokenVar]
      if (!token) throw new UsageError(`--token-env ${tokenVar}: $${tokenVar} is not set`)
      publish = { registry: args.registry, token }
    }
    const providerUrl = pairs(repeated(rawArgs, '--provider-url'))
    if (providerUrl.has('*'))
      throw new UsageError('--provider-url needs id=URL', 'e.g. --provider-url glm=http://127.0.0.1:8080')

    const { store } = await openStoreFromArgs(args)
    try {
      const results = await watchTemplates(store, ids, {
        keyEnv: pairs(repeated(rawArgs, '--key-env')),
        providerUrl,
        draftsDir: args.drafts,
        timeoutMs: seconds * 1000,
        ...(publish ? { publish } : {}),
      })
      if (args.json) console.log(safeJson(results, 2))
      else {
        for (const r of results) {
          console.log(safeText(r.line))
          if (r.draft) console.log(`  draft: ${relative(process.cwd(), r.draft.path) || r.draft.path}`)
          if (r.published) console.log(`  published: ${r.published}`)
        }
      }
      const failed = results.filter((r) => r.status === 'failed')
      if (failed.length) {
        throw new CliError(
          'E_WATCH',
          `${failed.length} of ${results.length} templates could not be checked: ${failed.map((r) => r.id).join(', ')}`,
        )
      }
    } finally {
      await store.close()
    }
  },
})
