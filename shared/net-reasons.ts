/**
 * Socket error codes in words, for both HTTP stacks (client/registry/http-get.ts on node:http and
 * shared/net/http.ts on ofetch), so a registry and a provider that cannot be reached read alike:
 * `host not found (ENOTFOUND)` rather than a bare code. Pure: a table and a lookup.
 */
export const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed',
  // A TLS client talking to a plain-HTTP port (https:// given for an http:// registry) fails the handshake.
  EPROTO: 'TLS handshake failed; a registry that speaks plain HTTP needs an http:// URL',
}

/** `host not found (ENOTFOUND)`, or the code alone when it has no words here. */
export const describeNetworkCode = (code: string): string =>
  NETWORK_REASONS[code] ? `${NETWORK_REASONS[code]} (${code})` : code
