/**
 * The glm registry the `bump` and `watch` suites start from: two published versions (the second
 * deprecated, with retired models) in a filesystem store, and how those suites run a command.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCommand, type CommandDef } from 'citty'
import { integrityOfText } from '../../shared/digest.js'
import { parseTemplateJson } from '../../shared/schema.js'
import type { Template } from '../../shared/types.js'
import { createFsStore } from '../../server/stores/fs.js'
import { afterEach, beforeEach, vi } from 'vitest'

export const V1: Template = {
  id: 'glm',
  version: '1.0.0',
  name: 'Z.AI GLM',
  description: 'GLM through the Anthropic-compatible endpoint',
  homepage: 'https://z.ai',
  baseUrl: 'https://api.z.ai/api/anthropic',
  auth: 'ANTHROPIC_AUTH_TOKEN',
  models: { default: 'glm-4.6', fast: 'glm-4.5-air', sonnet: 'glm-4.6', opus: 'glm-4.6', haiku: 'glm-4.5-air' },
  env: { API_TIMEOUT_MS: '3000000' },
  inputs: [],
  changelog: 'glm-4.6',
}
export const V2: Template = {
  ...V1,
  version: '1.1.0',
  models: { default: 'glm-5.1[1m]', fast: 'glm-5-turbo', sonnet: 'glm-5.1', opus: 'glm-5.1[1m]', haiku: 'glm-5-turbo' },
  env: { API_TIMEOUT_MS: '3000000', CLAUDE_CODE_SUBAGENT_MODEL: 'glm-5-turbo' },
  changelog: 'glm-5.1',
  deprecated: 'use a newer version',
  retired: { 'glm-4.6': 'glm-5.1', 'glm-4.5-air': 'glm-5-turbo' },
}

/** Publishes V1 and V2 into a filesystem store at `data`. */
export async function seedGlm(data: string): Promise<void> {
  const store = createFsStore({ dir: data })
  for (const [i, doc] of [V1, V2].entries()) {
    const raw = `${JSON.stringify(doc, null, 2)}\n`
    await store.publish(doc.id, doc.version, raw, {
      publishedAt: `2026-0${i + 1}-01T00:00:00.000Z`,
      integrity: integrityOfText(raw),
    })
  }
  await store.close()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const run = (cmd: CommandDef<any>, ...rawArgs: string[]) => runCommand(cmd, { rawArgs })
export const readDoc = async (path: string) => {
  const parsed = parseTemplateJson(await readFile(path, 'utf8'))
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
  return parsed.template
}

/** The suite's temp dir (the glm registry under `data/`) and what the command printed; live bindings, reset per test. */
export let dir = ''
export let out: string[] = []

/** Gives each test of the calling suite a fresh glm registry and captures console.log. */
export function useGlmRegistry(): void {
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cm-models-'))
    await seedGlm(join(dir, 'data'))
    out = []
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')))
  })
  afterEach(async () => {
    vi.restoreAllMocks()
    await rm(dir, { recursive: true, force: true })
  })
}
