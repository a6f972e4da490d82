import { defineCommand } from 'citty'
import { UsageError } from '../../shared/errors.js'
import { resolvePaths } from '../state/paths.js'
import { out } from './_common.js'

const SHELLS = ['bash', 'zsh', 'fish'] as const

export default defineCommand({
  meta: { name: 'completion', description: 'Print a shell completion script: eval "$(claude-multi completion bash)"' },
  args: {
    shell: { type: 'positional', required: false, description: 'bash, zsh or fish' },
    list: {
      type: 'string',
      description: 'Print the names of instances, templates or registries (used by the scripts)',
    },
  },
  async run({ args }) {
    if (args.list !== undefined) {
      const { LIST_KINDS, listNames } = await import('../completion/names.js')
      const kind = LIST_KINDS.find((k) => k === args.list)
      if (!kind) throw new UsageError(`--list must be one of ${LIST_KINDS.join(', ')}, got "${args.list}"`)
      const names = listNames(resolvePaths(), kind)
      if (names.length) out(names.join('\n'))
      return
    }
    const shell = SHELLS.find((s) => s === args.shell)
    if (!shell)
      throw new UsageError(
        args.shell ? `unknown shell "${args.shell}"` : 'name a shell',
        `use one of ${SHELLS.join(', ')}, e.g. eval "$(claude-multi completion bash)"`,
      )
    const [{ commandSpec }, scripts, { main }] = await Promise.all([
      import('../completion/spec.js'),
      import('../completion/scripts.js'),
      import('./index.js'),
    ])
    const spec = await commandSpec(main)
    const render = shell === 'bash' ? scripts.bashScript : shell === 'zsh' ? scripts.zshScript : scripts.fishScript
    process.stdout.write(render('claude-multi', spec))
  },
})
