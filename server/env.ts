import type { TemplatePath } from './paths.js'
import type { TokenRecord } from './stores/types.js'

/** Per-request values shared between middleware and routes. */
export type AppEnv = {
  Variables: {
    /** A bounded route label for logs and metrics (never the raw path). */
    route: string
    /** The bearer token that authenticated this request, if any. */
    token: TokenRecord | undefined
    /** A write request's template id and the path segments after it, parsed once (middleware/target.ts). */
    target: TemplatePath | undefined
  }
}
