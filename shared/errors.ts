/**
 * Every error a user can see carries a stable code and a message that says what was wrong and
 * what to do. Only the CLI entry points turn these into exit codes; nothing else exits.
 */
import { safeText } from './text.js'

export class CliError extends Error {
  override name = 'CliError'
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode = 1,
    readonly hint?: string,
  ) {
    super(message)
  }
}

export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super('E_USAGE', message, 2, hint)
  }
}

export interface SchemaIssue {
  /** JSON path of the offending value, e.g. `models.sonnet` or `env.API_TIMEOUT_MS`. */
  path: string
  message: string
}

export class ValidationError extends CliError {
  constructor(
    readonly issues: SchemaIssue[],
    what = 'template',
  ) {
    // One line per issue: the newlines are ours, anything inside an issue is escaped.
    super(
      'E_INVALID',
      `invalid ${what}:\n${issues.map((i) => `  ${safeText(i.path || '(root)')}: ${safeText(i.message)}`).join('\n')}`,
    )
  }
}
