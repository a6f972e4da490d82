import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/**
 * End-to-end suites run the compiled bins (`dist/`), exactly as users do, so the suite builds
 * first. Type errors do not stop the build here (`npm run typecheck` gates CI); a stale dist does.
 */
export default function setup(): void {
  if (process.env.CM_SKIP_BUILD === '1') return
  const root = fileURLToPath(new URL('..', import.meta.url))
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    cwd: root,
    encoding: 'utf8',
  })
  if (tsc.status !== 0)
    process.stderr.write(`tsc reported errors (dist was still emitted):\n${tsc.stdout}${tsc.stderr}`)
  spawnSync('chmod', ['+x', 'dist/client/cli.js', 'dist/server/cli.js'], { cwd: root })
}
