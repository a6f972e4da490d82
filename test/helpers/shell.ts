import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Sources a wrapper in a real shell with its final `exec` line removed and returns the variables
 * it exported, read back NUL-separated so any byte survives.
 */
export function sourceWrapper(
  text: string,
  shell = 'bash',
  extraEnv: Record<string, string> = {},
): { env: Record<string, string>; status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cm-src-'))
  try {
    const file = join(dir, 'wrapper')
    writeFileSync(file, text.replace(/^exec .*$/m, ''))
    const res = spawnSync(shell, ['-c', `. "$1" && env -0`, 'sh', file], {
      encoding: 'utf8',
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...extraEnv },
    })
    const env: Record<string, string> = {}
    for (const entry of res.stdout.split('\0')) {
      const eq = entry.indexOf('=')
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1)
    }
    return { env, status: res.status, stderr: res.stderr }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
