/**
 * One suite every Store implementation runs (filesystem, PostgreSQL), in the spirit of hono's
 * `common.case.test.ts` and unstorage's `testDriver`. Each test gets a fresh, empty store.
 */
import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Store, TokenRecord } from '../../server/stores/types.js'
import { fakeIntegrity, versionDoc } from './template-docs.js'
import { waitFor } from './wait.js'

export interface OpenedStore {
  store: Store
  cleanup(): Promise<void>
}

const entryFor = (raw: string, publishedAt = '2026-01-01T00:00:00.000Z') => ({
  publishedAt,
  integrity: fakeIntegrity(raw),
})

export function runStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Store contract: ${name}`, () => {
    let opened: OpenedStore
    let store: Store
    const publish = (id: string, version: string, extra?: Record<string, unknown>) => {
      const raw = versionDoc(id, version, extra)
      return store.publish(id, version, raw, entryFor(raw))
    }

    beforeEach(async () => {
      opened = await open()
      store = opened.store
    })
    afterEach(async () => {
      await store.close()
      await opened.cleanup()
    })

    it('starts empty and ready', async () => {
      expect(typeof store.kind).toBe('string')
      expect(await store.ready()).toBe(true)
      expect(await store.listIds()).toEqual([])
      expect(await store.getEntry('glm')).toBeNull()
      expect(await store.getVersion('glm', '1.0.0')).toBeNull()
    })

    it('publishes a version and returns the exact bytes', async () => {
      const raw = versionDoc('glm', '1.0.0')
      const entry = entryFor(raw, '2026-03-27T00:00:00.000Z')
      const result = await store.publish('glm', '1.0.0', raw, entry)
      expect(result.created).toBe(true)
      if (!result.created) return
      expect(result.entry.id).toBe('glm')
      expect(result.entry['dist-tags'].latest).toBe('1.0.0')
      expect(result.entry.versions['1.0.0']).toEqual(entry)
      expect(await store.getVersion('glm', '1.0.0')).toBe(raw)
      expect(await store.getVersion('glm', '1.0.1')).toBeNull()
      expect(await store.listIds()).toEqual(['glm'])
    })

    it('keeps odd formatting byte for byte', async () => {
      const raw = '{"id":"odd","version":"1.0.0","name":"Ödd ✓","description":"d"}'
      expect((await store.publish('odd', '1.0.0', raw, entryFor(raw))).created).toBe(true)
      expect(await store.getVersion('odd', '1.0.0')).toBe(raw)
      expect((await store.getEntry('odd'))?.name).toBe('Ödd ✓')
    })

    it('never overwrites a published version', async () => {
      const first = versionDoc('glm', '1.0.0')
      await store.publish('glm', '1.0.0', first, entryFor(first))
      const second = versionDoc('glm', '1.0.0', { description: 'rewritten' })
      expect(await store.publish('glm', '1.0.0', second, entryFor(second))).toEqual({ created: false })
      expect(await store.getVersion('glm', '1.0.0')).toBe(first)
      expect((await store.getEntry('glm'))?.versions['1.0.0']?.integrity).toBe(fakeIntegrity(first))
    })

    it('lets exactly one of many concurrent publishes win, and stores the winner', async () => {
      const raws = Array.from({ length: 25 }, (_, i) => versionDoc('race', '1.0.0', { description: `writer ${i}` }))
      const results = await Promise.all(raws.map((raw) => store.publish('race', '1.0.0', raw, entryFor(raw))))
      const winners = results.flatMap((r, i) => (r.created ? [i] : []))
      expect(winners).toHaveLength(1)
      const winner = raws[winners[0]!]!
      expect(await store.getVersion('race', '1.0.0')).toBe(winner)
      expect((await store.getEntry('race'))?.versions['1.0.0']?.integrity).toBe(fakeIntegrity(winner))
    })

    it('keeps every version when different versions are published at once', async () => {
      const versions = Array.from({ length: 12 }, (_, i) => `1.${i}.0`)
      const results = await Promise.all(versions.map((v) => publish('many', v)))
      expect(results.every((r) => r.created)).toBe(true)
      const entry = await store.getEntry('many')
      expect(Object.keys(entry?.versions ?? {}).sort()).toEqual([...versions].sort())
      expect(entry?.['dist-tags'].latest).toBe('1.11.0')
    })

    it('moves latest only forward and never to a prerelease', async () => {
      await publish('glm', '1.0.0')
      await publish('glm', '2.0.0-beta.1')
      expect((await store.getEntry('glm'))?.['dist-tags'].latest).toBe('1.0.0')
      await publish('glm', '0.9.0')
      expect((await store.getEntry('glm'))?.['dist-tags'].latest).toBe('1.0.0')
      await publish('glm', '1.10.0')
      expect((await store.getEntry('glm'))?.['dist-tags'].latest).toBe('1.10.0')
      await publish('glm', '1.9.0')
      const entry = await store.getEntry('glm')
      expect(entry?.['dist-tags'].latest).toBe('1.10.0')
      expect(Object.keys(entry?.versions ?? {}).sort()).toEqual(['0.9.0', '1.0.0', '1.10.0', '1.9.0', '2.0.0-beta.1'])
    })

    it('takes name and description from the latest version', async () => {
      await publish('glm', '1.0.0', { name: 'Old name' })
      await publish('glm', '1.1.0', { name: 'New name', description: 'new desc' })
      await publish('glm', '1.2.0-rc.1', { name: 'Pre name' })
      const entry = await store.getEntry('glm')
      expect(entry?.name).toBe('New name')
      expect(entry?.description).toBe('new desc')
    })

    it('gives a first prerelease the latest tag when nothing else exists', async () => {
      await publish('pre', '1.0.0-alpha.1')
      expect((await store.getEntry('pre'))?.['dist-tags'].latest).toBe('1.0.0-alpha.1')
    })

    it('supports scoped ids and lists ids sorted', async () => {
      await publish('zeta', '1.0.0')
      await publish('@acme/gw', '1.0.0')
      await publish('alpha', '1.0.0')
      await publish('@acme/aaa', '0.1.0')
      expect(await store.listIds()).toEqual(['@acme/aaa', '@acme/gw', 'alpha', 'zeta'])
      expect(await store.getVersion('@acme/gw', '1.0.0')).toBe(versionDoc('@acme/gw', '1.0.0'))
      expect((await store.getEntry('@acme/gw'))?.id).toBe('@acme/gw')
      expect(await store.getEntry('@acme')).toBeNull()
    })

    it('refuses ids that could leave the store root', async () => {
      for (const id of ['../evil', '..', '@acme/../../x', 'a/b', 'a\0b', '/abs']) {
        const raw = versionDoc('x', '1.0.0')
        const outcome = await store.publish(id, '1.0.0', raw, entryFor(raw)).then(
          (r) => (r.created ? 'created' : 'refused'),
          () => 'refused',
        )
        expect(outcome, id).toBe('refused')
        const read = await store.getVersion(id, '1.0.0').catch(() => null)
        expect(read, id).toBeNull()
      }
      const raw = versionDoc('x', '1.0.0')
      const badVersion = await store.publish('x', '../1.0.0', raw, entryFor(raw)).then(
        (r) => (r.created ? 'created' : 'refused'),
        () => 'refused',
      )
      expect(badVersion).toBe('refused')
      expect(await store.listIds()).toEqual([])
    })

    it('sets and clears deprecations', async () => {
      await publish('glm', '1.0.0')
      expect(await store.deprecate('glm', '1.0.0', 'use 2.x')).toBe(true)
      expect((await store.getEntry('glm'))?.versions['1.0.0']?.deprecated).toBe('use 2.x')
      expect(await store.deprecate('glm', '1.0.0', '')).toBe(true)
      expect((await store.getEntry('glm'))?.versions['1.0.0']).not.toHaveProperty('deprecated')
      expect(await store.deprecate('glm', '9.9.9', 'x')).toBe(false)
      expect(await store.deprecate('nope', '1.0.0', 'x')).toBe(false)
    })

    it('keeps deprecations and dates when a later version is published', async () => {
      await publish('glm', '1.0.0')
      await store.deprecate('glm', '1.0.0', 'old')
      await publish('glm', '1.1.0')
      const entry = await store.getEntry('glm')
      expect(entry?.versions['1.0.0']?.deprecated).toBe('old')
      expect(entry?.versions['1.0.0']?.publishedAt).toBe('2026-01-01T00:00:00.000Z')
    })

    it('moves dist-tags only to existing versions', async () => {
      await publish('glm', '1.0.0')
      await publish('glm', '2.0.0')
      expect(await store.setDistTag('glm', 'stable', '1.0.0')).toBe(true)
      expect(await store.setDistTag('glm', 'latest', '1.0.0')).toBe(true)
      expect(await store.setDistTag('glm', 'next', '3.0.0')).toBe(false)
      expect(await store.setDistTag('nope', 'next', '1.0.0')).toBe(false)
      const entry = await store.getEntry('glm')
      expect(entry?.['dist-tags']).toEqual({ latest: '1.0.0', stable: '1.0.0' })
      expect(await store.getVersion('glm', '2.0.0')).toBe(versionDoc('glm', '2.0.0'))
    })

    it('stores, lists and revokes tokens', async () => {
      const token: TokenRecord = {
        id: 'tok_1',
        name: 'ci',
        hash: createHash('sha256').update('cmr_secret').digest('hex'),
        scopes: ['@acme/*'],
        readOnly: false,
        createdAt: '2026-01-01T00:00:00.000Z',
      }
      expect(await store.listTokens()).toEqual([])
      await store.addToken(token)
      await store.addToken({ ...token, id: 'tok_2', name: 'reader', scopes: ['*'], readOnly: true })
      const listed = await store.listTokens()
      expect(listed.map((t) => t.id).sort()).toEqual(['tok_1', 'tok_2'])
      expect(listed.find((t) => t.id === 'tok_1')).toEqual(token)
      expect(await store.revokeToken('tok_1')).toBe(true)
      expect(await store.revokeToken('tok_1')).toBe(false)
      expect((await store.listTokens()).map((t) => t.id)).toEqual(['tok_2'])
    })

    it('notifies listeners on change, until unsubscribed', async () => {
      let calls = 0
      const off = store.onChange(() => calls++)
      await publish('glm', '1.0.0')
      await waitFor(() => calls > 0)
      const before = calls
      await store.deprecate('glm', '1.0.0', 'x')
      await waitFor(() => calls > before)
      off()
      const after = calls
      await publish('glm', '1.1.0')
      await new Promise((r) => setTimeout(r, 150))
      expect(calls).toBe(after)
    })
  })
}
