/**
 * The project's import graph, read with TypeScript's own parser (static imports, `export … from`,
 * `import type`, and `import('…')` with a literal path), and the layering rules it must keep.
 * Pure over a map of file → source text, so the rules can be checked on a made-up graph too.
 */
import { dirname, join, normalize } from 'node:path'
import ts from 'typescript'

export interface ImportEdge {
  from: string
  /** A repository-relative path for a relative import (`.js` mapped back to its source file), else the package. */
  to: string
  /** The names imported (`default`, `*` for a namespace), empty for a bare or dynamic import. */
  names: string[]
  typeOnly: boolean
  /** A package or node builtin rather than a file of this repository. */
  external: boolean
}

export interface FileFacts {
  imports: ImportEdge[]
  /** What reaches the process: `process` (`process.env` when only read so), `console`, used as values (not as property names). */
  globals: Set<string>
}

const SOURCE_EXTS = ['.ts', '.tsx', '.mjs']

function resolveSpec(from: string, spec: string, files: ReadonlySet<string>): string {
  if (!spec.startsWith('.')) return spec
  const base = normalize(join(dirname(from), spec))
  const stem = base.replace(/\.(js|jsx|mjs)$/, '')
  for (const candidate of [base, ...SOURCE_EXTS.map((e) => stem + e)]) if (files.has(candidate)) return candidate
  return base
}

function namesOf(clause: ts.ImportClause | undefined): string[] {
  if (!clause) return []
  const names = clause.name ? ['default'] : []
  const bindings = clause.namedBindings
  if (bindings && ts.isNamespaceImport(bindings)) names.push('*')
  if (bindings && ts.isNamedImports(bindings))
    for (const el of bindings.elements) names.push((el.propertyName ?? el.name).text)
  return names
}

export function readFacts(file: string, text: string, files: ReadonlySet<string>): FileFacts {
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind)
  const imports: ImportEdge[] = []
  const globals = new Set<string>()
  const add = (spec: string, names: string[], typeOnly: boolean) =>
    imports.push({ from: file, to: resolveSpec(file, spec, files), names, typeOnly, external: !spec.startsWith('.') })
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, namesOf(node.importClause), node.importClause?.isTypeOnly ?? false)
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const names =
        node.exportClause && ts.isNamedExports(node.exportClause)
          ? node.exportClause.elements.map((e) => (e.propertyName ?? e.name).text)
          : ['*']
      add(node.moduleSpecifier.text, names, node.isTypeOnly)
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, [], false)
    } else if (ts.isIdentifier(node) && (node.text === 'process' || node.text === 'console')) {
      const p = node.parent
      const isPropertyName =
        (ts.isPropertyAccessExpression(p) && p.name === node) ||
        ((ts.isPropertyAssignment(p) || ts.isPropertySignature(p) || ts.isMethodDeclaration(p)) && p.name === node)
      const readsEnv =
        node.text === 'process' && ts.isPropertyAccessExpression(p) && p.expression === node && p.name.text === 'env'
      if (!isPropertyName) globals.add(readsEnv ? 'process.env' : node.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return { imports, globals }
}

export function readGraph(sources: ReadonlyMap<string, string>): Map<string, FileFacts> {
  const files = new Set(sources.keys())
  return new Map([...sources].map(([file, text]) => [file, readFacts(file, text, files)]))
}

/** Every import cycle among the given files (Tarjan's strongly connected components of size > 1, or a self-import). */
export function cycles(graph: ReadonlyMap<string, FileFacts>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  let next = 0
  const strong = (v: string): void => {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    onStack.add(v)
    for (const { to } of graph.get(v)?.imports ?? []) {
      if (!graph.has(to)) continue
      if (!index.has(to)) {
        strong(to)
        low.set(v, Math.min(low.get(v)!, low.get(to)!))
      } else if (onStack.has(to)) low.set(v, Math.min(low.get(v)!, index.get(to)!))
    }
    if (low.get(v) !== index.get(v)) return
    const component: string[] = []
    let w: string
    do {
      w = stack.pop()!
      onStack.delete(w)
      component.push(w)
    } while (w !== v)
    const selfImport = graph.get(v)?.imports.some((e) => e.to === v)
    if (component.length > 1 || selfImport) found.push(component.sort())
  }
  for (const v of graph.keys()) if (!index.has(v)) strong(v)
  return found
}

/** Packages shared/ may use: pure computation, no I/O (hashing, semver order, schema checks). */
export const SHARED_PACKAGES = ['node:crypto', 'semver', 'zod']
/**
 * shared/net/ is the one network edge both sides use (ofetch, proxies): it may load the HTTP
 * packages and read the proxy variables from `process.env`, as every HTTP client does, but never
 * the file system or the console, and the rest of shared/ never imports it.
 */
export const NET_DIR = 'shared/net/'
export const NET_PACKAGES = ['ofetch', 'undici', 'proxy-from-env']
const FS_MODULES = new Set(['fs', 'node:fs', 'fs/promises', 'node:fs/promises'])
/** A state writer: a client/state export that writes a file (`saveLock`, `writeKeyFile`…) or the raw atomic write. */
const isStateWriter = (to: string, names: string[]) =>
  to.startsWith('client/state/') && (to === 'client/state/atomic.ts' || names.some((n) => /^(save|write)/.test(n)))
const crosses = (from: string, to: string) =>
  (from.startsWith('client/') && to.startsWith('server/')) || (from.startsWith('server/') && to.startsWith('client/'))

export interface LayerViolations {
  clientServer: string[]
  sharedImports: string[]
  sharedProcess: string[]
  /** Command files that import a state writer (a command should parse, call the logic layer, render). */
  commandWriters: string[]
}

export function layerViolations(graph: ReadonlyMap<string, FileFacts>): LayerViolations {
  const v: LayerViolations = { clientServer: [], sharedImports: [], sharedProcess: [], commandWriters: [] }
  for (const [file, facts] of graph) {
    const shared = file.startsWith('shared/')
    const net = file.startsWith(NET_DIR)
    const packages = net ? [...SHARED_PACKAGES, ...NET_PACKAGES] : SHARED_PACKAGES
    for (const { to, names, external } of facts.imports) {
      const edge = `${file} -> ${to}`
      if (!external && crosses(file, to)) v.clientServer.push(edge)
      const inside = net
        ? to.startsWith(NET_DIR) || to.startsWith('shared/')
        : to.startsWith('shared/') && !to.startsWith(NET_DIR)
      if (shared && !(external ? packages.some((p) => to === p || to.startsWith(`${p}/`)) : inside))
        v.sharedImports.push(edge)
      if (shared && FS_MODULES.has(to)) v.sharedProcess.push(edge)
      if (file.startsWith('client/commands/') && isStateWriter(to, names) && !v.commandWriters.includes(file))
        v.commandWriters.push(file)
    }
    for (const g of shared ? [...facts.globals].sort() : []) {
      if (!(net && g === 'process.env')) v.sharedProcess.push(`${file} uses ${g}`)
    }
  }
  v.commandWriters.sort()
  return v
}
