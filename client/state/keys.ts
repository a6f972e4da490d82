import { CliError } from '../../shared/errors.js'
import { isOneLine } from '../../shared/values.js'
import { keyFile } from './paths.js'
import { readSecret } from './secret.js'
import type { Transaction } from './transaction.js'

/** The API key lives only here: `<configDir>/.claude-multi-key`, mode 0600. */
export function writeKeyFile(tx: Transaction, configDir: string, key: string): string {
  assertKey(key)
  const path = keyFile(configDir)
  tx.write(path, `${key}\n`, { mode: 0o600, dirMode: 0o700 })
  return path
}

export function assertKey(key: string): void {
  if (!key || !isOneLine(key))
    throw new CliError('E_KEY', 'the API key is empty or spans several lines; nothing was written', 2)
}

export const readStdin = () => readSecret('API key: ')
