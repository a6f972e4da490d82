import { join, relative } from 'node:path'
import { defineCommand } from 'citty'
import { UsageError, ValidationError } from '../../shared/errors.js'
import { isValidId } from '../../shared/ids.js'
import { validateTemplate } from '../../shared/schema.js'
import { repeated } from '../models/argv.js'
import { bumpTemplate, describeChange, type BumpLevel } from '../models/next-version.js'
import { documentText, loadHistory, publishTemplate } from '../models/store-io.js'
import { openStoreFromArgs, storeArgs } from './_store-args.js'
import { safeJson, safeText } from '../../shared/text.js'

/**
 * `claude-multi-registry bump <id> --set sonnet=glm-5.3 -m "…"`: the `npm version` of templates.
 * The next version is written from the latest one, validated, and created exclusively.
 */
export default defineCommand({
  meta: {
    name: 'bump',
    description: 'Write the next version of a template from its latest one (the npm version of templates)',
  },
  args: {
    id: { type: 'positional', description: 'template id, e.g. glm', required: true },
    set: {
      type: 'string',
      description: 'role=model or VAR=value (repeatable): sonnet=glm-5.3, API_TIMEOUT_MS=600000',
      valueHint: 'KEY=VALUE',
    },
    unset: { type: 'string', description: 'drop a variable from env (repeatable)', valueHint: 'VAR' },
    retire: {
      type: 'string',
      description: 'mark a model retired, with its replacement (repeatable): glm-5.1=glm-5.3',
      valueHint: 'MODEL=REPLACEMENT',
    },
    limit: {
      type: 'string',
      description:
        "a model's context window and output cap in tokens (repeatable): glm-5.3=1000000:128000; MODEL= drops it",
      valueHint: 'MODEL=CONTEXT[:OUTPUT]',
    },
    major: { type: 'boolean', description: 'bump the major version (default: picked from the changes)' },
    minor: { type: 'boolean', description: 'bump the minor version (default: picked from the changes)' },
    patch: { type: 'boolean', description: 'bump the patch version (refused when models or the contract change)' },
    message: { type: 'string', alias: 'm', description: 'changelog of the new version (default: the list of changes)' },
    ...storeArgs,
    'dry-run': { type: 'boolean', description: 'print the new document, write nothing' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  async run({ args, rawArgs }) {
    const id = String(args.id)
    if (!isValidId(id)) throw new UsageError(`"${id}" is not a valid template id`, 'e.g. glm or @acme/gateway')
    const levels = (['major', 'minor', 'patch'] as const).filter((l) => args[l])
    if (levels.length > 1)
      throw new UsageError(`choose one of --major, --minor, --patch (got ${levels.map((l) => `--${l}`).join(' ')})`)
    const level: BumpLevel | undefined = levels[0]

    const { store, dataDir } = await openStoreFromArgs(args)
    try {
      const { latest, versions } = await loadHistory(store, id)
      const {
        next,
        changes,
        warnings,
        level: picked,
        reasons,
      } = bumpTemplate(latest, {
        sets: repeated(rawArgs, '--set'),
        unsets: repeated(rawArgs, '--unset'),
        retire: repeated(rawArgs, '--retire'),
        taken: versions.map((v) => v.version),
        limits: repeated(rawArgs, '--limit'),
        ...(level ? { level } : {}),
        ...(args.message === undefined ? {} : { changelog: String(args.message) }),
      })
      const checked = validateTemplate(next)
      if (!checked.ok) throw new ValidationError(checked.issues, `${id}@${next.version}`)
      const written = !args['dry-run']
      if (written) await publishTemplate(store, next)

      if (args.json) {
        console.log(
          safeJson(
            {
              id,
              from: latest.version,
              to: next.version,
              level: picked,
              reasons,
              changes,
              warnings,
              written,
              document: next,
            },
            2,
          ),
        )
        return
      }
      const why =
        picked === 'major' ? `: ${reasons.join('; ')}` : picked === 'minor' ? ': the model mapping changed' : ''
      console.log(`${id} ${latest.version} → ${next.version} (${picked}${safeText(why)})`)
      for (const change of changes) console.log(`  ${safeText(describeChange(change))}`)
      for (const warning of warnings) console.log(`  warning: ${safeText(warning)}`)
      if (args['dry-run'])
        process.stdout.write(`\n${safeText(documentText(next), { keepNewlines: true })}\n(dry run: nothing written)\n`)
      else
        console.log(
          `wrote ${id}@${next.version} to the ${store.kind} store${dataDir ? ` (${relative(process.cwd(), join(dataDir, 'templates', id, `${next.version}.json`))})` : ''}`,
        )
    } finally {
      await store.close()
    }
  },
})
