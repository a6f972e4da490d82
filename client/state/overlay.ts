import { existsSync } from 'node:fs'

/**
 * What a command sees instead of the disk for a few paths: the writes its own transaction has
 * staged (so a step reads what an earlier step will write), or, for a command that takes no lock,
 * the writes of an interrupted command whose journal is committed (so readers see the state the
 * next writer will complete, never half of it). `null` means "removed".
 */
const staged = new Map<string, string | null>()

export const overlay = {
  get: (path: string): string | null | undefined => (staged.size ? staged.get(path) : undefined),
  set: (path: string, data: string | null): void => void staged.set(path, data),
  delete: (path: string): void => void staged.delete(path),
  clear: (): void => staged.clear(),
}

/** `existsSync` that sees staged writes and removals. */
export function pathExists(path: string): boolean {
  const over = overlay.get(path)
  return over === undefined ? existsSync(path) : over !== null
}
