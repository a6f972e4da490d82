import { CliError } from '../../shared/errors.js'
import { toEnvName } from '../../shared/roles.js'
import { formatJson, readJson } from './json-file.js'
import { overridesFile } from './paths.js'
import type { Transaction } from './transaction.js'

/** Variable → value, or null when the user removed the variable. Keys may be roles on disk. */
export type Overrides = Record<string, string | null>

export function loadOverrides(configDir: string): Overrides {
  const path = overridesFile(configDir)
  const read = readJson<Record<string, unknown>>(path, 'overrides')
  if (!read) return {}
  const raw = read.value
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new CliError(
      'E_CORRUPT',
      `overrides ${path} must be an object of VAR or role → string or null; fix it, it was left untouched`,
    )
  const out: Overrides = {}
  for (const [k, v] of Object.entries(raw)) {
    if (v !== null && typeof v !== 'string')
      throw new CliError(
        'E_CORRUPT',
        `overrides ${path}: "${k}" must be a string or null; fix it, it was left untouched`,
      )
    out[toEnvName(k)] = v
  }
  return out
}

export function saveOverrides(tx: Transaction, configDir: string, overrides: Overrides): void {
  const sorted: Overrides = {}
  for (const k of Object.keys(overrides).sort()) sorted[k] = overrides[k]!
  tx.write(overridesFile(configDir), formatJson(sorted), { dirMode: 0o700 })
}
