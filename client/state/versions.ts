import { CliError } from '../../shared/errors.js'

/** A state file written by a later claude-multi: refused whole, never read as empty or rewritten. */
export function newerVersionError(path: string, found: string): CliError {
  return new CliError(
    'E_NEWER',
    `${path} was made by a newer claude-multi (${found}), upgrade claude-multi to use it`,
    1,
    'npm install -g claude-multi-registry@latest; nothing was changed',
  )
}
