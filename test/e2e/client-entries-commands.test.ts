/**
 * Issue 16, the rest of the client: `info`, `adopt` (an older claude-multi's settings; a lost lock
 * entry rebuilt from its wrapper, also by `doctor --fix`), `doctor` and `notify` read the per-id
 * documents of the templates they need, never `GET /v1/index.json`, when the registry serves them.
 * Against older servers (per-id documents missing, or unsigned while a key is pinned) they still
 * work, through the index. The registry is a Hono app on port 0 that logs every request.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSigningKey } from '../../shared/sign.js'
import { compareVersions } from '../../shared/versions.js'
import { layOutOldClaudeMulti, sandbox, type Sandbox } from '../helpers/client.js'
import { startHostile, type Hostile, type HostileState } from '../helpers/hostile.js'
import { ROOT } from '../helpers/server.js'

const KEY = generateSigningKey()

/** The catalogue's versions of `id` (oldest first), up to `last`. */
function versionsOf(id: string, last?: string): Record<string, unknown> {
  const dir = join(ROOT, 'registry/templates', id)
  const all = readdirSync(dir)
    .filter((f) => /^\d+\.\d+\.\d+\.json$/.test(f))
    .map((f) => f.slice(0, -'.json'.length))
    .sort(compareVersions)
  return Object.fromEntries(
    all
      .filter((v) => !last || compareVersions(v, last) <= 0)
      .map((v) => [v, JSON.parse(readFileSync(join(dir, `${v}.json`), 'utf8'))]),
  )
}

interface Kind {
  name: string
  /** Whether the server has signed per-id documents (else every command must read the index). */
  perId: boolean
  sign?: { entries?: boolean }
}

const KINDS: Kind[] = [
  { name: 'a registry with signed per-id documents (key pinned)', perId: true, sign: {} },
  {
    name: 'an older server that signs only its index (per-id documents 404, key pinned)',
    perId: false,
    sign: { entries: false },
  },
  { name: 'the oldest server: no per-id documents, nothing signed', perId: false },
]

for (const kind of KINDS)
  describe(`info, adopt, doctor and notify against ${kind.name}`, () => {
    let hostile: Hostile
    let sb: Sandbox
    let serial = 1
    const serve = (glm: Record<string, unknown>, deprecated?: Record<string, string>) =>
      hostile.set({
        templates: {
          glm: { versions: glm, ...(deprecated ? { deprecated } : {}) },
          minimax: { versions: versionsOf('minimax') },
        },
        ...(kind.sign ? { sign: { pem: KEY.privateKeyPem, serial: serial++, ...kind.sign } } : {}),
      } satisfies HostileState)

    beforeAll(async () => {
      hostile = await startHostile({})
      serve(versionsOf('glm', '1.5.0'))
      sb = sandbox(hostile.url, kind.sign ? { CLAUDE_MULTI_REGISTRY_KEY: KEY.entry.publicKey } : {})
      layOutOldClaudeMulti(sb)
    })
    afterAll(async () => {
      sb?.cleanup()
      await hostile?.stop()
    })

    /** The requests one command made, as `METHOD /path`. */
    const during = (run: () => void): string[] => {
      const from = hostile.requests().length
      run()
      return hostile
        .requests()
        .slice(from)
        .map((r) => `${r.method} ${r.path}`)
    }
    /** The full index is read exactly when the server has no per-id documents to read instead. */
    const expectReads = (requests: string[], ids: string[]) => {
      const index = requests.filter((r) => r === 'GET /v1/index.json').length
      if (kind.perId) {
        expect(index, requests.join('\n')).toBe(0)
        for (const id of ids) expect(requests).toContain(`GET /v1/templates/${id}.json`)
      } else expect(index, requests.join('\n')).toBeGreaterThan(0)
    }
    const dropLockEntry = (name: string) => {
      const path = join(sb.home, 'claude-multi.lock')
      const lock = JSON.parse(readFileSync(path, 'utf8'))
      delete lock.instances[name]
      writeFileSync(path, JSON.stringify(lock, null, 2))
    }
    const lockEntry = (name: string) =>
      JSON.parse(readFileSync(join(sb.home, 'claude-multi.lock'), 'utf8')).instances[name]

    it('doctor with nothing managed yet: one HEAD of the index says the registry answers, none of its bytes', () => {
      let r = { code: 0 as number | null, stdout: '', stderr: '' }
      const requests = during(() => (r = sb.cm(['doctor', '--json'])))
      const check = JSON.parse(r.stdout).checks.find((c: { check: string }) => c.check === 'registry public')
      expect(check, r.stdout).toMatchObject({ status: 'ok', message: `${hostile.url}: answers (no instance uses it)` })
      expect(requests).toEqual(['HEAD /v1/index.json'])
    })

    it('adopt matches an older instance through the template it was made from', () => {
      let r = { code: 0 as number | null, stdout: '', stderr: '' }
      const requests = during(() => (r = sb.cm(['adopt', 'mm', '--json'])))
      expect(r.code, r.stderr).toBe(0)
      expect(JSON.parse(r.stdout).adopted[0]).toMatchObject({ name: 'mm', template: 'minimax', version: '1.3.0' })
      expectReads(requests, ['minimax'])
    })

    it('a lost lock entry is rebuilt from the wrapper (adopt, doctor --fix) with the entry alone', () => {
      const added = sb.cm(['add', 'w2', 'glm@^1', '--api-key-env', 'K'])
      expect(added.code, added.stderr).toBe(0)
      // The wrapper does not record the range: a rebuilt entry follows the version it names.
      const before = { ...lockEntry('w2'), range: '^1.5.0' }
      expect(before).toMatchObject({ version: '1.5.0', keyId: kind.sign ? KEY.entry.keyId : null })

      dropLockEntry('w2')
      let r = { code: 0 as number | null, stdout: '', stderr: '' }
      let requests = during(() => (r = sb.cm(['adopt', 'w2', '--json'])))
      expect(r.code, r.stderr).toBe(0)
      expect(JSON.parse(r.stdout).recovered[0]).toMatchObject({ name: 'w2', rebuilt: ['lock'] })
      expect(lockEntry('w2')).toEqual(before)
      expectReads(requests, ['glm'])

      dropLockEntry('w2')
      requests = during(() => (r = sb.cm(['doctor', '--fix'])))
      expect(r.stdout).toContain('rebuilt the lock entry of w2 from its wrapper')
      expect(lockEntry('w2')).toEqual(before)
      expectReads(requests, ['glm'])
    })

    it('info shows a template from its entry and one version document', () => {
      let r = { code: 0 as number | null, stdout: '', stderr: '' }
      const requests = during(() => (r = sb.cm(['info', 'glm@1.4.0'])))
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain('glm@1.4.0')
      expect(r.stdout).toMatch(/1\.5\.0\s+2026-01-01/)
      expectReads(requests, ['glm'])
      // A template that does not exist is still an error naming it.
      const missing = sb.cm(['info', 'nosuch'])
      expect(missing.code).toBe(1)
      expect(missing.stderr).toContain('template "nosuch" not found in registry public')
    })

    it('doctor checks the registry through the entries of the templates in use', () => {
      let r = { code: 0 as number | null, stdout: '', stderr: '' }
      const requests = during(() => (r = sb.cm(['doctor', '--json'])))
      const check = JSON.parse(r.stdout).checks.find((c: { check: string }) => c.check === 'registry public')
      const by = kind.sign ? `, signed by key ${KEY.entry.keyId}` : ''
      expect(check, r.stdout).toMatchObject({
        status: 'ok',
        message: `${hostile.url}: the entries of glm, minimax read and checked${by}`,
      })
      expectReads(requests, ['glm', 'minimax'])
    })

    it('notify announces a new version and the deprecation of the current one from the entry', () => {
      serve(versionsOf('glm', '1.5.1'), { '1.5.0': 'use 1.5.1' })
      let r = { code: 0 as number | null, stdout: '', stderr: '' }
      const requests = during(
        () => (r = sb.cm(['notify', 'w2'], { env: { CLAUDE_MULTI_NOTIFY_INTERVAL: '0', CLAUDE_MULTI_AUTO_SYNC: '' } })),
      )
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toContain('claude-w2: WARNING glm 1.5.0 is deprecated: use 1.5.1; glm 1.5.0 → 1.5.1')
      expectReads(requests, ['glm'])
    })
  })
