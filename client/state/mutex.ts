import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { CliError } from '../../shared/errors.js'
import type { Paths } from './paths.js'

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * One writer at a time: commands that change instances hold `<home>/.lock` (exclusive create,
 * holding the pid) until the process exits. A lock left by a process that is gone is taken over.
 */
export function acquireWriteLock(paths: Paths): void {
  mkdirSync(paths.home, { recursive: true })
  const path = join(paths.home, '.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      writeSync(fd, String(process.pid))
      closeSync(fd)
      process.once('exit', () => {
        try {
          unlinkSync(path)
        } catch {}
      })
      return
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      let pid = NaN
      try {
        pid = Number(readFileSync(path, 'utf8').trim())
      } catch {}
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
        throw new CliError('E_BUSY', `another claude-multi (pid ${pid}) is changing instances right now`, 1, `wait for it to finish, or remove ${path} if that process is gone`)
      try {
        unlinkSync(path)
      } catch {}
    }
  }
  throw new CliError('E_BUSY', `could not take ${join(paths.home, '.lock')}`, 1, 'another claude-multi is running; try again')
}
