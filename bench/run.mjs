#!/usr/bin/env node
/**
 * Runs the benchmarks: every `bench/*.bench.mjs` in name order, or those named on the command
 * line (`node bench/run.mjs server server-scale`; a family name such as `client` runs `client-*`). Each
 * module's default export resolves to rows measured against a baseline in the same run; this
 * prints one table and writes `bench/results/latest.json`. Run `npm run build` first.
 */
import { readdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const stemOf = (file) => basename(file, '.bench.mjs')

const all = (await readdir(here)).filter((f) => f.endsWith('.bench.mjs')).sort()
const wanted = process.argv.slice(2)
// A name picks that benchmark; a name that is no benchmark picks its family (`server` → server-*).
const picks = (w, stem) => (all.some((f) => stemOf(f) === w) ? stem === w : stem.startsWith(`${w}-`))
const files = wanted.length ? all.filter((f) => wanted.some((w) => picks(w, stemOf(f)))) : all
if (wanted.length && files.length === 0) {
  console.error(`bench: no benchmark named ${wanted.join(', ')}; there are: ${all.map(stemOf).join(', ')}`)
  process.exit(2)
}

const rows = []
const failures = []
for (const file of files) {
  process.stderr.write(`bench: ${stemOf(file)} …\n`)
  const started = Date.now()
  try {
    const mod = await import(pathToFileURL(join(here, file)).href)
    for (const row of await mod.default()) rows.push({ bench: stemOf(file), ...row, ok: row.ok ?? meetsGoal(row) })
  } catch (error) {
    failures.push({ bench: stemOf(file), message: error?.message ?? String(error) })
    process.stderr.write(`bench: ${stemOf(file)} failed: ${error?.message ?? error}\n`)
    if (process.env.DEBUG?.includes('claude-multi')) console.error(error)
  }
  process.stderr.write(`bench: ${stemOf(file)} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
}

/** Goals are written `>= 0.8`, `< 50` or `< 50 ms`: compared with `ratio` when the goal is unitless, else with `ours`. */
function meetsGoal(row) {
  const m = /^\s*(>=|<=|<|>|≥|≤)\s*([\d.]+)\s*(\S*)/.exec(row.goal ?? '')
  if (!m) return undefined
  const value = m[3] ? row.ours : row.ratio
  if (typeof value !== 'number') return undefined
  const limit = Number(m[2])
  return {
    '>=': value >= limit,
    '≥': value >= limit,
    '<=': value <= limit,
    '≤': value <= limit,
    '<': value < limit,
    '>': value > limit,
  }[m[1]]
}

const fmt = (n) =>
  typeof n !== 'number'
    ? (n ?? '')
    : Math.abs(n) >= 100
      ? Math.round(n).toLocaleString('en-US')
      : Number(n.toPrecision(3)).toString()

const table = [
  ['benchmark', 'ours', 'baseline', 'ratio', 'goal', 'ok'],
  ...rows.map((r) => [
    r.name,
    `${r.note ? '> ' : ''}${fmt(r.ours)} ${r.unit ?? ''}`.trim(),
    r.baseline === undefined || r.baseline === null
      ? ''
      : `${fmt(r.baseline)} ${r.unit ?? ''} (${r.baselineName ?? 'baseline'})`.trim(),
    r.ratio === undefined || r.ratio === null ? '' : `${fmt(r.ratio)}×`,
    r.goal ?? '',
    r.ok === undefined ? '' : r.ok ? 'yes' : 'NO',
  ]),
]
const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)))
const line = (row) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`
console.log(
  [line(table[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...table.slice(1).map(line)].join('\n'),
)
for (const f of failures) console.log(`\n${f.bench}: FAILED: ${f.message}`)

const result = {
  date: new Date().toISOString(),
  node: process.version,
  platform: `${os.platform()} ${os.arch()}`,
  cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
  seconds: Number(process.env.BENCH_SECONDS ?? 10),
  rows,
  failures,
}
await writeFile(join(here, 'results', 'latest.json'), `${JSON.stringify(result, null, 2)}\n`)
console.log(`\nwritten to bench/results/latest.json`)
if (failures.length) process.exitCode = 1
