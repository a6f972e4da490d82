/**
 * Options of every command, taken by the entry point (client/cli.ts) before the command runs:
 * `--allow-expired` and the network timeout (CLAUDE_MULTI_TIMEOUT_MS). openSession hands them on
 * as options (→ Registries → HttpSource and the index trust check); nothing reads them from the
 * environment later. Kept free of imports so the entry point stays cheap to load.
 */
export interface GlobalOptions {
  /** Accept a signed index past its expiry date (with a warning). */
  allowExpired: boolean
  /** Longest silence allowed on a registry request, in ms (default: http-get's 10 s). */
  timeoutMs?: number
}

export const globalOptions: GlobalOptions = { allowExpired: false }
