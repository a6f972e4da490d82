import { resolve } from 'node:path'
import { defineCommand } from 'citty'
import { CliError, UsageError } from '../../shared/errors.js'
import { createApp } from '../app.js'
import { buildStatic } from '../static-build.js'
import { normalizeBase } from '../web/base.js'
import { openStoreFromArgs, storeArgs } from './_store-args.js'
import { signArgs, signingFromArgs } from '../signing.js'

export default defineCommand({
  meta: {
    name: 'build',
    description: 'Write the read API and the web pages as static files for any static host or CDN',
  },
  args: {
    out: { type: 'string', required: true, description: 'Output directory' },
    base: {
      type: 'string',
      description: 'The URL path the site is served under, e.g. /my-repo/ for a GitHub Pages project site (default /)',
      valueHint: 'PATH',
    },
    ...storeArgs,
    ...signArgs,
  },
  async run({ args }) {
    if (!args.out) throw new UsageError('--out is required', 'e.g. claude-multi-registry build --out public/')
    const out = resolve(args.out)
    const base = normalizeBase(args.base ?? '/')
    const signing = signingFromArgs(args)
    const { store } = await openStoreFromArgs(args)
    const app = createApp({ store, ...signing, webBase: base })
    try {
      const count = await buildStatic((path) => app.request(`http://registry.local${path}`), out)
      process.stdout.write(`wrote ${count} files to ${out}${base === '/' ? '' : ` for ${base}`}\n`)
    } catch (error) {
      throw new CliError('E_BUILD', `build failed: ${(error as Error).message}`)
    } finally {
      app.close()
      await store.close()
    }
  },
})
