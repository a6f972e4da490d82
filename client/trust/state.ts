import { join } from 'node:path'
import type { PublicKeyEntry } from '../../shared/sign.js'
import { writeFileAtomic } from '../state/atomic.js'
import { readText } from '../state/json-file.js'

/** What the client remembers per registry to refuse replays: never secret, so 0644. */
export interface RegistryTrust {
  url: string
  /** Highest signed serial accepted so far. */
  serial: number
  /** Digest of that index's content (without serial/expires/signature): a replica re-signing the same content is not a rollback. */
  content: string
  keyId: string
  /** Keys accepted through rotation records signed by the pinned key (or a key it vouched for). */
  rotated?: PublicKeyEntry[]
  /** Per-id signed documents accepted so far (id → highest serial, content digest), for the same rollback check. */
  entries?: Record<string, { serial: number; content: string }>
}

export interface TrustState {
  registries: Record<string, RegistryTrust>
}

export const trustFile = (home: string) => join(home, 'trust.json')

export function loadTrust(home: string): TrustState {
  const text = readText(trustFile(home))
  if (text === undefined) return { registries: {} }
  try {
    const state = JSON.parse(text) as TrustState
    if (state && typeof state.registries === 'object' && state.registries !== null) return state
  } catch {}
  // A damaged file only loses rollback history; the pinned key (in config.json) still protects.
  return { registries: {} }
}

export function saveTrust(home: string, state: TrustState): void {
  writeFileAtomic(trustFile(home), `${JSON.stringify(state, null, 2)}\n`, 0o644)
}
