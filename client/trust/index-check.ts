/**
 * The client's side of index signing. A registry with a pinned key must serve an index signed by
 * that key (or by a key it rotated to), not expired, and not older than one already accepted.
 * Every refusal names the registry and happens before anything is written.
 */
import { canonicalJson, sha256 } from '../../shared/digest.js'
import { CliError } from '../../shared/errors.js'
import {
  parsePublicKey,
  trustedKeysFrom,
  verifyIndex,
  type PublicKeyEntry,
  type VerifyOptions,
  type VerifyResult,
} from '../../shared/sign.js'
import { entryContent, verifyEntry } from '../../shared/sign-entry.js'
import type { RegistryIndex } from '../../shared/types.js'
import { loadTrust, saveTrust, type RegistryTrust } from './state.js'

type Verifier = (doc: unknown, keys: readonly PublicKeyEntry[], opts: VerifyOptions) => VerifyResult

export interface IndexTrustOptions {
  name: string
  url: string
  /** The pinned key as stored in config.json (base64 raw ed25519), if any. */
  publicKey?: string
  home: string
  /** GET `<url>/v1/keys.json` → parsed body (only called when the index names an unknown key). */
  fetchKeys: () => Promise<unknown>
  allowExpired?: boolean
  now?: () => number
  warn?: (message: string) => void
}

export interface IndexTrust {
  /**
   * Throws CliError when the index must be refused. `fresh` is true for a document just served by
   * the registry (its serial is then recorded); a cached copy is checked the same way but only
   * records nothing new.
   */
  check(index: RegistryIndex, fresh: boolean): Promise<{ keyId?: string; serial?: number }>
  /** Whether a key is pinned: an unpinned registry's documents are used unchecked. */
  readonly pinned: boolean
  /**
   * The same for one signed per-id document (`/v1/templates/<id>.json`): signature, expiry, and a
   * serial never below the one last accepted for that id. Throws CliError when it must be refused.
   */
  checkEntry(doc: Record<string, unknown>, id: string, fresh: boolean): Promise<{ keyId?: string }>
}

/** Digest of what the index says, without its signature envelope. */
export function contentDigest(index: RegistryIndex): string {
  const { signature: _s, serial: _n, expires: _e, ...rest } = index
  return sha256(canonicalJson(rest))
}

export function createIndexTrust(opts: IndexTrustOptions): IndexTrust {
  const who = `registry ${opts.name} (${opts.url})`
  const allowExpired = opts.allowExpired ?? false
  let pinned: PublicKeyEntry | undefined
  if (opts.publicKey) {
    try {
      pinned = parsePublicKey(opts.publicKey)
    } catch {
      throw new CliError(
        'E_CONFIG',
        `the key pinned for ${who} in config.json is not an ed25519 public key`,
        1,
        `re-add the registry with \`claude-multi registry add ${opts.name} ${opts.url} --key <key>\``,
      )
    }
  }

  const recorded = (): RegistryTrust | undefined => {
    const r = loadTrust(opts.home).registries[opts.name]
    return r && r.url === opts.url ? r : undefined
  }

  /**
   * Signature (following key rotations published in keys.json) and expiry of one signed document;
   * `what` names it in refusals: "an index", "the entry of \"glm\"".
   */
  async function verify(
    doc: { expires?: unknown },
    seen: RegistryTrust | undefined,
    verifier: Verifier,
    what: string,
  ): Promise<{ keyId: string; rotated: PublicKeyEntry[] }> {
    const trusted = [pinned!, ...(seen?.rotated ?? [])]
    const verifyOpts = { allowExpired, ...(opts.now ? { now: opts.now() } : {}) }
    let res = verifier(doc, trusted, verifyOpts)
    let rotated = seen?.rotated ?? []
    if (!res.ok && res.reason === 'unknown-key') {
      // Maybe the registry rotated its key: keys.json may hold a record signed by a key we trust.
      let keys: unknown
      try {
        keys = await opts.fetchKeys()
      } catch {
        keys = undefined
      }
      const extended = trustedKeysFrom(trusted, keys)
      if (extended.length > trusted.length) {
        res = verifier(doc, extended, verifyOpts)
        rotated = extended.slice(1)
      }
    }
    const noun = what.replace(/^(an?|the) /, '')
    if (res.ok) {
      if (res.expired)
        opts.warn?.(`${who}: the signed ${noun} expired at ${res.expires}; used anyway because of --allow-expired`)
      return { keyId: res.keyId, rotated }
    }
    const pin = pinned!.keyId
    const unsigned = what.startsWith('an ') ? `an unsigned ${noun}` : `${what}, unsigned,`
    switch (res.reason) {
      case 'missing':
        throw new CliError(
          'E_SIGNATURE',
          `${who} served ${unsigned} but key ${pin} is pinned for it; refusing it`.replace(
            `${noun} but`,
            `${noun}, but`,
          ),
          1,
          'someone may be impersonating the registry; if it stopped signing on purpose, remove and re-add it',
        )
      case 'unknown-key':
        throw new CliError(
          'E_SIGNATURE',
          `${who} served ${what} signed by key ${res.keyId ?? '?'}, not by the pinned key ${pin} nor a key it rotated to; refusing it`,
          1,
          'someone may be impersonating the registry (or this came from another registry); ask its operator for the new key and re-add it with --key',
        )
      case 'bad-signature':
        throw new CliError(
          'E_SIGNATURE',
          `${who} served ${what} whose signature does not verify with key ${res.keyId ?? pin}; refusing it`,
          1,
          `the ${noun} was altered on the way or on the server`,
        )
      case 'expired':
        throw new CliError(
          'E_EXPIRED',
          `${who} served ${what} that expired at ${String(doc.expires)} (a frozen or replayed copy); refusing it (--allow-expired uses it anyway)`,
          1,
          'retry later; if the registry is known to be stale, pass --allow-expired',
        )
      default:
        throw new CliError('E_SIGNATURE', `${who}: ${res.message}; refusing it`)
    }
  }

  // The same index object is checked once per command (fresh fetch, then use): verifying a large
  // index costs a canonical serialization, so the result is remembered.
  const done = new WeakMap<RegistryIndex, { keyId?: string; serial?: number }>()

  return {
    pinned: pinned !== undefined,
    async checkEntry(doc, id, fresh) {
      if (!pinned) return {}
      const seen = recorded()
      const what = `the entry of ${JSON.stringify(id)}`
      const verified = await verify(doc, seen, verifyEntry, what)
      const serial = doc.serial as number
      const content = sha256(canonicalJson(entryContent(doc)))
      const prev = seen?.entries && Object.hasOwn(seen.entries, id) ? seen.entries[id] : undefined
      // Equal or newer, or the same content re-signed by a replica a moment earlier: anything else is a replay.
      if (prev && serial < prev.serial && content !== prev.content) {
        throw new CliError(
          'E_ROLLBACK',
          `${who} served ${what} at serial ${serial}, older than serial ${prev.serial} already seen (a replayed or rolled-back entry); refusing it`,
          1,
          'retry later; if the registry was restored from a backup on purpose, its operator must publish a newer serial',
        )
      }
      const rotatedGrew = verified.rotated.length !== (seen?.rotated ?? []).length
      if (fresh && (!prev || serial > prev.serial || rotatedGrew)) {
        const state = loadTrust(opts.home)
        const current = state.registries[opts.name]
        const mine =
          current && current.url === opts.url
            ? current
            : { url: opts.url, serial: 0, content: '', keyId: verified.keyId }
        const entries = { ...(mine.entries ?? {}) }
        const before = Object.hasOwn(entries, id) ? entries[id] : undefined
        // Another command may have recorded a newer serial meanwhile: keep the highest.
        if (!before || before.serial <= serial) entries[id] = { serial, content }
        state.registries[opts.name] = {
          ...mine,
          entries,
          ...(verified.rotated.length > (mine.rotated ?? []).length ? { rotated: verified.rotated } : {}),
        }
        saveTrust(opts.home, state)
      }
      return { keyId: verified.keyId }
    },
    async check(index, fresh) {
      const memo = done.get(index)
      if (memo) return memo
      // Without a pinned key nobody vouches for the serial: recording it would let one forged
      // index (serial 9007199254740991) get every later genuine one refused. Nothing is checked.
      if (!pinned) return {}
      const seen = recorded()
      const verified = await verify(index, seen, verifyIndex, 'an index')
      const serial = typeof index.serial === 'number' && Number.isSafeInteger(index.serial) ? index.serial : undefined
      const result = { ...(verified ? { keyId: verified.keyId } : {}), ...(serial === undefined ? {} : { serial }) }
      if (serial === undefined) return result
      // The content digest is only needed to tell a replica's re-signature from a rollback, or to record.
      if (seen && serial < seen.serial && contentDigest(index) !== seen.content) {
        throw new CliError(
          'E_ROLLBACK',
          `${who} served index serial ${serial}, older than serial ${seen.serial} already seen (a replayed or rolled-back index); refusing it`,
          1,
          'retry later; if the registry was restored from a backup on purpose, its operator must publish a newer serial',
        )
      }
      if (
        fresh &&
        (!seen || serial > seen.serial || (verified && verified.rotated.length !== (seen.rotated ?? []).length))
      ) {
        const state = loadTrust(opts.home)
        const current = state.registries[opts.name]
        // Another command may have recorded a newer serial meanwhile: keep the highest.
        if (!current || current.url !== opts.url || current.serial <= serial) {
          state.registries[opts.name] = {
            url: opts.url,
            serial,
            content: contentDigest(index),
            keyId: verified?.keyId ?? index.signature?.keyId ?? '',
            ...(verified?.rotated.length
              ? { rotated: verified.rotated }
              : current?.rotated
                ? { rotated: current.rotated }
                : {}),
            // The per-id history stays: the index and the entries are checked apart.
            ...(current?.url === opts.url && current.entries ? { entries: current.entries } : {}),
          }
          saveTrust(opts.home, state)
        }
      }
      done.set(index, result)
      return result
    },
  }
}
