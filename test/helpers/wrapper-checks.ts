/** Assertions shared by the property suites and the replayed attack fixtures. */
import { expect } from 'vitest'
import { CliError } from '../../shared/errors.js'
import { parseWrapper, spliceWrapper, type ParsedWrapper } from '../../shared/wrapper.js'

/** Every property the client relies on, for one input. Throws (a failing assertion) when broken. */
export function checkParseAndSplice(text: string, env: Record<string, string>, source?: string): void {
  let parsed: ParsedWrapper
  try {
    parsed = parseWrapper(text)
  } catch (error) {
    expect(error, 'only CliError may escape parseWrapper').toBeInstanceOf(CliError)
    expect((error as CliError).code).toBe('E_WRAPPER')
    return
  }
  // before + block + after is the whole file, without overlap.
  expect(text.startsWith(parsed.before)).toBe(true)
  expect(text.endsWith(parsed.after)).toBe(true)
  expect(parsed.before.length + parsed.after.length).toBeLessThanOrEqual(text.length)

  let out: string
  try {
    out = spliceWrapper(parsed, env, source)
  } catch (error) {
    expect(error, 'only CliError may escape spliceWrapper').toBeInstanceOf(CliError)
    return
  }
  expect(out.startsWith(parsed.before), 'bytes before the block kept').toBe(true)
  expect(out.endsWith(parsed.after), 'bytes after the block kept').toBe(true)
  const outLines = out.split('\n')
  for (const line of parsed.lines) {
    if (line.kind === 'user' || line.kind === 'key')
      expect(outLines, 'user line inside the block kept').toContain(line.raw)
  }
  // The splice is itself a well-formed wrapper carrying exactly the requested variables.
  const again = parseWrapper(out)
  expect(again.before).toBe(parsed.before)
  expect(again.after).toBe(parsed.after)
  for (const [k, v] of Object.entries(env)) expect(again.env[k], k).toBe(v)
  // Splicing the same thing twice changes nothing (sync is idempotent).
  expect(spliceWrapper(again, env, source)).toBe(out)
}
