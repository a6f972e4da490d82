import { chmodSync, mkdirSync } from 'node:fs'
import { CliError } from '../../shared/errors.js'
import { isOneLine } from '../../shared/values.js'
import { writeFileAtomic } from './atomic.js'
import { keyFile } from './paths.js'
import { readSecret } from './secret.js'

/** The API key lives only here: `<configDir>/.claude-multi-key`, mode 0600. */
export function writeKeyFile(configDir: string, key: string): string {
  if (!key || !isOneLine(key)) throw new CliError('E_KEY', 'the API key read from stdin is empty or spans several lines', 2)
  mkdirSync(configDir, { recursive: true })
  const path = keyFile(configDir)
  writeFileAtomic(path, key + '\n', 0o600)
  chmodSync(path, 0o600)
  return path
}

export const readStdin = () => readSecret('API key: ')
