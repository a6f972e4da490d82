/**
 * The bundled catalogue (`registry/templates/`) is served byte for byte, so its files are checked
 * as data: schema, layout, dates, and the semver rules the README promises users.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import semverCompare from 'semver/functions/compare.js'
import { neighbours, semverProblem } from '../../shared/contract.js'
import semverDiff from 'semver/functions/diff.js'
import semverMajor from 'semver/functions/major.js'
import { describe, expect, it } from 'vitest'
import { latestStable, sortVersions } from '../../shared/versions.js'
import { COMPACT_WINDOW_ENV, deriveLimits, limitsOf } from '../../shared/limits.js'
import { validateTemplate } from '../../shared/schema.js'
import type { Template } from '../../shared/types.js'
import {
  EXPECTED_IDS,
  ROOT,
  bare,
  contract,
  fixedModels,
  idFolders,
  load,
  looksSecret,
  roleEnv,
  strings,
  unknownPlaceholders,
  usedPlaceholders,
} from '../helpers/catalogue-data.js'

const ids = idFolders()
const entries = ids.map(load)

describe('catalogue checks catch bad data', () => {
  it('flags secrets, unknown placeholders and contract changes', () => {
    expect(looksSecret('sk-ant-api03-abc')).toBe(true)
    expect(looksSecret('Bearer abc.def-0123456789')).toBe(true)
    expect(looksSecret('accepts the key as a Bearer token')).toBe(false)
    expect(looksSecret('aB3'.repeat(16))).toBe(true)
    expect(looksSecret('CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC')).toBe(false)
    expect(looksSecret('glm-5.3-flash[1m]')).toBe(false)
    const t = JSON.parse(readFileSync(join(ROOT, 'openrouter/1.0.0.json'), 'utf8')) as Template
    expect(unknownPlaceholders({ ...t, inputs: [] })).toContain('model')
    expect(contract({ ...t, baseUrl: 'https://openrouter.ai/api/v1' })).not.toBe(contract(t))
    expect(contract({ ...t, changelog: 'x', models: { ...t.models, opus: 'y' } })).toBe(contract(t))
    expect(contract({ ...t, env: { ...t.env, API_TIMEOUT_MS: '1' } })).not.toBe(contract(t))
    expect(contract({ ...t, env: { ...t.env, CLAUDE_CODE_SUBAGENT_MODEL: 'x' } })).toBe(contract(t))
  })
})

describe('bundled catalogue', () => {
  it('ships the expected provider ids and nothing stray', () => {
    expect(ids).toEqual(EXPECTED_IDS)
    for (const e of entries) {
      const stray = readdirSync(e.dir).filter((f) => !f.endsWith('.json'))
      expect(stray, e.id).toEqual([])
    }
  })

  describe.each(entries.map((e) => [e.id, e] as const))('%s', (id, entry) => {
    it('has version files that pass the schema, named for their id and version', () => {
      expect(entry.versions.length).toBeGreaterThan(0)
      for (const { file, text, doc } of entry.versions) {
        const result = validateTemplate(doc)
        expect(result.ok ? [] : result.issues, file).toEqual([])
        expect(doc.id, file).toBe(id)
        expect(`${doc.version}.json`, file).toBe(file.slice(file.lastIndexOf('/') + 1))
        // Pretty JSON, 2 spaces, trailing newline: the bytes served are the bytes reviewed.
        expect(text, file).toBe(`${JSON.stringify(doc, null, 2)}\n`)
        expect(Array.isArray(doc.inputs), file).toBe(true)
      }
    })

    it('has a meta.json that lists exactly the version files, with ISO dates', () => {
      const metaText = readFileSync(join(entry.dir, 'meta.json'), 'utf8')
      expect(metaText).toBe(`${JSON.stringify(entry.meta, null, 2)}\n`)
      const versions = entry.versions.map((v) => v.doc.version)
      expect(sortVersions(Object.keys(entry.meta.versions), 'oldest-first')).toEqual(versions)
      for (const [v, info] of Object.entries(entry.meta.versions)) {
        expect(new Date(info.publishedAt).toISOString(), v).toBe(info.publishedAt)
        expect(Date.parse(info.publishedAt), v).toBeLessThan(Date.now())
        expect(
          Object.keys(info).filter((k) => k !== 'publishedAt' && k !== 'deprecated'),
          v,
        ).toEqual([])
      }
    })

    it('tags the highest stable version as latest and never deprecates it', () => {
      const latest = entry.meta['dist-tags'].latest
      expect(latest).toBe(latestStable(entry.versions.map((v) => v.doc.version)))
      expect(entry.meta.versions[latest!]?.deprecated).toBeUndefined()
      for (const tag of Object.values(entry.meta['dist-tags'])) expect(entry.meta.versions[tag]).toBeDefined()
    })

    it('publishes versions in date order', () => {
      const dates = entry.versions.map((v) => Date.parse(entry.meta.versions[v.doc.version]!.publishedAt))
      for (let i = 1; i < dates.length; i++)
        expect(dates[i]!, entry.versions[i]!.doc.version).toBeGreaterThan(dates[i - 1]!)
    })

    it('bumps major exactly when base URL, auth or inputs change; minor for new models', () => {
      for (let i = 1; i < entry.versions.length; i++) {
        const prev = entry.versions[i - 1]!.doc
        const next = entry.versions[i]!.doc
        const step = `${prev.version} -> ${next.version}`
        expect(semverCompare(prev.version, next.version), step).toBe(-1)
        const majorBump = semverMajor(next.version) > semverMajor(prev.version)
        expect(majorBump, `${step}: major bump iff baseUrl/auth/inputs/env names change`).toBe(
          contract(prev) !== contract(next),
        )
        const modelsChanged = JSON.stringify(prev.models) !== JSON.stringify(next.models)
        if (modelsChanged)
          expect(semverDiff(prev.version, next.version), `${step}: new models need a minor`).not.toBe('patch')
        // Limits (and env values, metadata) alone are a patch: nothing a user chose can break.
        const retiredChanged = JSON.stringify(prev.retired ?? {}) !== JSON.stringify(next.retired ?? {})
        const envNamesChanged = JSON.stringify(Object.keys(prev.env)) !== JSON.stringify(Object.keys(next.env))
        if (!modelsChanged && !retiredChanged && !majorBump && !envNamesChanged)
          expect(semverDiff(prev.version, next.version), `${step}: limits or values alone are a patch`).toBe('patch')
        // The same check a publish makes (400 E_SEMVER), against everything published before.
        const published = entry.versions.slice(0, i).map((v) => v.doc)
        const near = neighbours(
          next.version,
          published.map((t) => t.version),
        )
        const earlier = published.find((t) => t.version === near.earlier)
        expect(
          semverProblem(
            next,
            earlier ? { earlier } : {},
            published.map((t) => t.version),
          ),
          step,
        ).toBeUndefined()
      }
    })

    it('keeps every value on one line, holds no secret, and orders env keys', () => {
      const docs: unknown[] = [entry.meta, ...entry.versions.map((v) => v.doc)]
      for (const doc of docs) {
        for (const [path, s] of strings(doc)) {
          expect(/[\r\n\0]/.test(s), `${entry.id} ${path}`).toBe(false)
          expect(looksSecret(s), `${entry.id} ${path}: ${s}`).toBe(false)
        }
      }
      for (const { doc } of entry.versions) {
        expect(Object.keys(doc.env), doc.version).toEqual(Object.keys(doc.env).sort())
        for (const value of Object.values(doc.env)) expect(typeof value, doc.version).toBe('string')
        expect(doc.env[doc.auth], doc.version).toBeUndefined()
      }
    })

    it('uses {{x}} only for declared inputs and declares only inputs it uses', () => {
      for (const { doc } of entry.versions) {
        expect(unknownPlaceholders(doc), doc.version).toEqual([])
        const used = usedPlaceholders(doc)
        for (const input of doc.inputs) expect(used.has(input.name), `${doc.version} input ${input.name}`).toBe(true)
      }
    })

    it('declares limits for every model its latest version maps, keyed as sent and sorted', () => {
      const latest = entry.versions.find((v) => v.doc.version === entry.meta['dist-tags'].latest)!.doc
      for (const model of fixedModels(latest))
        expect(limitsOf(latest.limits, model), `${latest.version}: ${model}`).toBeDefined()
      for (const { doc } of entry.versions) {
        if (!doc.limits) continue
        // A version that has limits has them for every model it sends (the wrapper's window is their minimum).
        for (const model of fixedModels(doc))
          expect(limitsOf(doc.limits, model), `${doc.version}: ${model}`).toBeDefined()
        expect(Object.keys(doc.limits), doc.version).toEqual(Object.keys(doc.limits).sort())
        for (const model of Object.values(doc.models).filter((m) => m !== bare(m)))
          expect(limitsOf(doc.limits, model)!.context, `${doc.version}: ${model} asks for 1M`).toBeGreaterThanOrEqual(
            1_000_000,
          )
        // A window the template sets by hand must agree with the one its limits give.
        const explicit = doc.env[COMPACT_WINDOW_ENV]
        if (explicit !== undefined)
          expect(Number(explicit), doc.version).toBe(deriveLimits(roleEnv(doc), doc.limits).window)
      }
    })

    it('retires only models an earlier version shipped, in favour of models it ships', () => {
      for (const [i, { doc }] of entry.versions.entries()) {
        const shipped = new Set(entry.versions.slice(0, i).flatMap((v) => Object.values(v.doc.models).map(bare)))
        const current = new Set(Object.values(doc.models).map(bare))
        for (const [old, replacement] of Object.entries(doc.retired ?? {})) {
          expect(shipped.has(bare(old)), `${doc.version}: ${old} was never shipped`).toBe(true)
          expect(Object.values(doc.models), `${doc.version}: ${old} retired but still mapped`).not.toContain(old)
          if (replacement !== null) expect(current.has(bare(replacement)), `${doc.version}: ${replacement}`).toBe(true)
        }
      }
    })
  })
})
