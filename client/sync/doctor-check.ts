/** One finding of `claude-multi doctor`: what was checked, how it went, and what fixes it. */
export type CheckStatus = 'ok' | 'warn' | 'fail'

/** What `doctor --fix` may do on its own: nothing that loses or guesses anything. */
export type Fix =
  | { kind: 'chmod'; path: string; mode: number }
  | { kind: 'recreate'; name: string }
  | { kind: 'recover'; name: string }
  | { kind: 'journal' }
  | { kind: 'cache' }
  /** Brings the notice lines of every wrapper in line with the `notify` setting, as `config set notify` does. */
  | { kind: 'notify' }

export interface Check {
  check: string
  status: CheckStatus
  message: string
  /** The command (or step) that fixes it. */
  hint?: string
  fix?: Fix
}

export const ok = (check: string, message: string): Check => ({ check, status: 'ok', message })
export const warn = (check: string, message: string, hint?: string, fix?: Fix): Check => ({
  check,
  status: 'warn',
  message,
  ...(hint ? { hint } : {}),
  ...(fix ? { fix } : {}),
})
export const fail = (check: string, message: string, hint?: string, fix?: Fix): Check => ({
  check,
  status: 'fail',
  message,
  ...(hint ? { hint } : {}),
  ...(fix ? { fix } : {}),
})
