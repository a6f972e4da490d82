/**
 * Sources many rendered wrappers in ONE shell process (each in its own subshell) and reads back,
 * per wrapper, the exported environment and what `exec` would have run. Values never contain a
 * NUL, so NUL separates fields; `export -p` lines never contain a newline for the same reason.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const SHELLS = ['bash', 'dash'] as const
export type Shell = (typeof SHELLS)[number]

export interface SourcedCase {
  /** The wrapper text as rendered. */
  text: string
  /** Variables to print back (expected to be exported). */
  names: string[]
  /** Extra variables set in the shell before sourcing (e.g. the `--api-key-env` variable). */
  preset?: Record<string, string>
}

export interface SourcedResult {
  /** undefined when the subshell exited before the end (e.g. the key was missing). */
  values?: Record<string, string>
  exported?: Set<string>
  execArgs?: string[]
  stderr?: string
}

const EXEC_RE = /^exec (.*)$/m

/** Turns the final `exec` into a call of a recording function, keeping its quoted arguments. */
export function neutralizeExec(text: string): string {
  const lines = text.split('\n')
  const i = lines.findLastIndex((l) => EXEC_RE.test(l))
  if (i === -1) throw new Error('rendered wrapper has no exec line')
  lines[i] = lines[i]!.replace(/^exec /, '__fake_exec ')
  return lines.join('\n')
}

const shq = (v: string) => `'${v.replaceAll("'", `'\\''`)}'`

const EXPORT_P_RE = /^(?:declare -x|export) ([A-Za-z_][A-Za-z0-9_]*)/

/** `pathPrefix`: directories put before PATH for the whole run (e.g. a fake `claude-multi`). */
export async function sourceMany(
  shell: Shell,
  cases: SourcedCase[],
  dir?: string,
  pathPrefix?: string,
): Promise<SourcedResult[]> {
  const work = dir ?? mkdtempSync(join(tmpdir(), 'cm-shell-'))
  try {
    const driver: string[] = [
      `__fake_exec() { printf '%s\\0' "$#"; for __a in "$@"; do printf '%s\\0' "$__a"; done; }`,
      `printf 'BASE\\0'; export -p; printf '\\0'`,
    ]
    cases.forEach((c, i) => {
      const file = join(work, `w${i}`)
      writeFileSync(file, neutralizeExec(c.text))
      const preset = Object.entries(c.preset ?? {})
        .map(([k, v]) => `${k}=${shq(v)}; export ${k}; `)
        .join('')
      const prints = c.names.map((n) => `printf '%s\\0' "\${${n}-__UNSET__}"`).join('; ')
      const cleanup = [...c.names, ...Object.keys(c.preset ?? {})].join(' ')
      // No subshell per wrapper (a fork costs ~1 ms, 100x the rest): variables are unset after
      // each record instead, and anything left over shows up in the next record's export -p.
      // Record i: marker, exec args (count + args), printed values, export -p, end marker.
      driver.push(
        `printf '\\0\\001REC ${i}\\0'; ${preset}. ${shq(file)}; ${prints || ':'}; printf '\\0'; export -p; printf '\\0END\\0'${cleanup ? `; unset -v ${cleanup}` : ''}`,
      )
    })
    const script = join(work, 'driver.sh')
    writeFileSync(script, `${driver.join('\n')}\n`)
    const res = await run(shell, script, work, pathPrefix)
    return parseOutput(res.stdout, cases).map((r) => (r.values ? r : { ...r, stderr: res.stderr.slice(-2000) }))
  } finally {
    if (!dir) rmSync(work, { recursive: true, force: true })
  }
}

/** Async so that bash and dash run side by side on two cores. */
function run(
  shell: Shell,
  script: string,
  cwd: string,
  pathPrefix?: string,
): Promise<{ stdout: string; stderr: string }> {
  const path = process.env.PATH ?? '/usr/bin:/bin'
  return new Promise((resolvePromise, reject) => {
    const child = spawn(shell, [script], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: pathPrefix ? `${pathPrefix}:${path}` : path, LC_ALL: 'C.UTF-8' },
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', reject)
    child.on('close', () =>
      resolvePromise({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    )
  })
}

function parseOutput(out: string, cases: SourcedCase[]): SourcedResult[] {
  const results: SourcedResult[] = cases.map(() => ({}))
  const recs = out.split('\0\x01REC ')
  for (const rec of recs.slice(1)) {
    const fields = rec.split('\0')
    const i = Number(fields[0])
    const c = cases[i]
    if (!c || fields.at(-2) !== 'END') continue
    let p = 1
    const argc = Number(fields[p++])
    const execArgs = fields.slice(p, p + argc)
    p += argc
    const values: Record<string, string> = {}
    for (const n of c.names) values[n] = fields[p++]!
    p++ // the empty field closing the printed values
    const exported = new Set<string>()
    for (const line of (fields[p] ?? '').split('\n')) {
      const m = EXPORT_P_RE.exec(line)
      if (m) exported.add(m[1]!)
    }
    results[i] = { values, exported, execArgs }
  }
  return results
}

/** Names exported by the bare shell before any wrapper runs. */
export function baselineExports(shell: Shell): Set<string> {
  const res = spawnSync(shell, ['-c', 'export -p'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C.UTF-8' },
  })
  const names = new Set<string>()
  for (const line of res.stdout.split('\n')) {
    const m = EXPORT_P_RE.exec(line)
    if (m) names.add(m[1]!)
  }
  return names
}
