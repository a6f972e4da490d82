import { CliError } from '../../shared/errors.js'

const WHAT: Record<string, [string, string]> = {
  EACCES: [
    'permission denied',
    'make it writable for your user (chmod u+w), or point claude-multi elsewhere (CLAUDE_MULTI_HOME, CLAUDE_MULTI_BIN_DIR, --config-dir)',
  ],
  EPERM: ['operation not permitted', 'check its owner and permissions'],
  EROFS: [
    'the file system is read-only',
    'use a writable location (CLAUDE_MULTI_HOME, CLAUDE_MULTI_BIN_DIR, --config-dir)',
  ],
  ENOSPC: ['no space left on the device', 'free some space and run the command again; nothing was changed'],
  EDQUOT: ['disk quota exceeded', 'free some space and run the command again; nothing was changed'],
  ENAMETOOLONG: ['the name is too long for the file system', 'use a shorter instance name or a shorter directory'],
  ENOTDIR: ['a part of the path is a file, not a directory', 'move that file away or choose another directory'],
  EISDIR: ['it is a directory', 'move that directory away or choose another path'],
  ELOOP: ['too many symbolic links', 'fix the symbolic links in that path'],
  EMFILE: ['too many open files', 'raise the open-file limit (ulimit -n) and run the command again'],
  EIO: ['input/output error', 'check the disk'],
}

const VERB: Record<string, string> = {
  open: 'write',
  write: 'write',
  rename: 'replace',
  unlink: 'remove',
  rmdir: 'remove',
  mkdir: 'create',
  read: 'read',
  scandir: 'list',
  chmod: 'change the mode of',
  fsync: 'flush',
}

/** A file-system error as one line naming the path and what to do, or undefined for other errors. */
export function describeFsError(err: unknown, path?: string, verb?: string): CliError | undefined {
  if (err instanceof CliError || !(err instanceof Error)) return undefined
  const e = err as NodeJS.ErrnoException
  const known = e.code ? WHAT[e.code] : undefined
  if (!known) return undefined
  const where = path ?? e.path ?? (e as { dest?: string }).dest
  const what = verb ?? (e.syscall && VERB[e.syscall]) ?? 'use'
  return new CliError('E_FS', `cannot ${what} ${where ?? 'a file'}: ${known[0]} (${e.code})`, 1, known[1])
}

/** Runs `fn`; a file-system error becomes a CliError naming `path` ("cannot <verb> <path>: …"). */
export function fsStep<T>(path: string, fn: () => T, verb?: string): T {
  try {
    return fn()
  } catch (err) {
    throw describeFsError(err, path, verb) ?? err
  }
}
