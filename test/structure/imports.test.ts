/**
 * The layering the README and docs/DEVELOPMENT.md describe, checked on the real import graph:
 * client/ and server/ never import each other; shared/ imports only shared/ and a few pure
 * packages, and never touches the process (node:fs, `process`, `console`); a command never
 * writes state itself; no import cycles. The rules are also run on a made-up graph, so a rule
 * that could never fire would show.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cycles, layerViolations, readGraph } from '../helpers/import-graph.js'

const ROOT = join(import.meta.dirname, '../..')

function sourcesUnder(...dirs: string[]): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, d.name)
      if (d.isDirectory()) walk(path)
      else if (/\.(ts|tsx|mjs)$/.test(d.name)) out.set(relative(ROOT, path), readFileSync(path, 'utf8'))
    }
  }
  for (const d of dirs) walk(join(ROOT, d))
  return out
}

describe('the import graph of client/, server/, shared/', () => {
  const graph = readGraph(sourcesUnder('client', 'server', 'shared'))
  const v = layerViolations(graph)

  it('reads every source file and finds its imports', () => {
    expect(graph.size).toBeGreaterThan(150)
    expect(graph.get('client/cli.ts')?.imports.some((e) => e.to === 'client/commands/index.ts')).toBe(true)
  })

  it('has client/ and server/ never import each other', () => {
    expect(v.clientServer).toEqual([])
  })

  it('has shared/ import only shared/ and pure packages, and never touch the process', () => {
    expect(v.sharedImports).toEqual([])
    expect(v.sharedProcess).toEqual([])
  })

  // shared/net/ is the HTTP layer both sides use (ofetch, proxies); layerViolations holds it to its own rules.
  it('has shared/net/ present and held to the network-edge rules', () => {
    expect([...graph.keys()].filter((f) => f.startsWith('shared/net/')).length).toBeGreaterThan(0)
  })

  it('has no command write state itself', () => {
    expect(v.commandWriters).toEqual([])
  })

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([])
  })
})

describe('the rules themselves, on a made-up graph', () => {
  const graph = readGraph(
    new Map([
      ['client/a.ts', "import { x } from '../server/b.js'\nexport const a = 1"],
      ['server/b.ts', "import type { a } from '../client/a.js'\nexport const x = 1"],
      [
        'shared/c.ts',
        "import { readFileSync } from 'node:fs'\nimport z from 'zod'\nimport { d } from '../client/d.js'\nconsole.log(process.env.X)",
      ],
      [
        'shared/ok.ts',
        "import { createHash } from 'node:crypto'\nimport { c } from './c.js'\nconst o = { process: 1, console: 2 }\no.process",
      ],
      ['shared/net/h.ts', "import { ofetch } from 'ofetch'\nexport const on = Boolean(process.env.HTTPS_PROXY)"],
      [
        'shared/net/bad.ts',
        "import { readFileSync } from 'node:fs'\nimport { h } from './h.js'\nconsole.log(process.argv)",
      ],
      ['shared/uses-net.ts', "import { on } from './net/h.js'\nimport { ofetch } from 'ofetch'"],
      ['client/d.ts', "export const d = await import('./e.js')"],
      ['client/e.ts', "export * from './d.js'"],
      ['client/commands/pin.ts', "import { saveLock, loadLock } from '../state/lock.js'"],
      ['client/commands/list.ts', "import { loadLock } from '../state/lock.js'"],
      ['client/state/lock.ts', 'export const saveLock = 1, loadLock = 2'],
    ]),
  )
  const v = layerViolations(graph)

  it('finds client ↔ server imports, type-only ones too', () => {
    expect(v.clientServer).toEqual(['client/a.ts -> server/b.ts', 'server/b.ts -> client/a.ts'])
  })

  it('finds shared/ reaching outside and touching the process, not property names', () => {
    expect(v.sharedImports).toEqual([
      'shared/c.ts -> node:fs',
      'shared/c.ts -> client/d.ts',
      'shared/net/bad.ts -> node:fs',
      'shared/uses-net.ts -> shared/net/h.ts',
      'shared/uses-net.ts -> ofetch',
    ])
    expect(v.sharedProcess).toEqual([
      'shared/c.ts -> node:fs',
      'shared/c.ts uses console',
      'shared/c.ts uses process.env',
      'shared/net/bad.ts -> node:fs',
      'shared/net/bad.ts uses console',
      'shared/net/bad.ts uses process',
    ])
  })

  it('lets shared/net/ load the HTTP packages and read process.env, nothing more', () => {
    expect([...v.sharedImports, ...v.sharedProcess].filter((e) => e.startsWith('shared/net/h.ts'))).toEqual([])
  })

  it('finds a command importing a state writer, not one that only reads', () => {
    expect(v.commandWriters).toEqual(['client/commands/pin.ts'])
  })

  it('finds cycles through dynamic imports and re-exports', () => {
    expect(cycles(graph)).toEqual([
      ['client/a.ts', 'server/b.ts'],
      ['client/d.ts', 'client/e.ts'],
    ])
  })
})
