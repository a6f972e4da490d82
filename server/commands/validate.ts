import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { defineCommand } from 'citty'
import { CliError, UsageError } from '../../shared/errors.js'
import { bundledRegistryDir } from '../bundled.js'
import { validateTree } from '../validate-tree.js'
import { safeText } from '../../shared/text.js'

export default defineCommand({
  meta: { name: 'validate', description: 'Check every template document and meta.json in a registry directory' },
  args: {
    dir: { type: 'positional', required: false, description: 'Registry directory (default: the bundled registry/)' },
  },
  async run({ args }) {
    const dir = args.dir ? resolve(args.dir) : bundledRegistryDir()
    if (!(await stat(dir).catch(() => null))?.isDirectory())
      throw new UsageError(`${dir} is not a directory`, 'pass a registry directory that holds templates/')
    const { problems, ids, versions } = await validateTree(dir)
    if (problems.length > 0) {
      for (const p of problems) process.stderr.write(`${safeText(p.file)}: ${safeText(p.message)}\n`)
      throw new CliError('E_INVALID', `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${dir}`)
    }
    process.stdout.write(`ok: ${ids} templates, ${versions} versions in ${dir}\n`)
  },
})
