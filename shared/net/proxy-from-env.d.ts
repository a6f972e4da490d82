// proxy-from-env 2 ships no types (@types/proxy-from-env describes 1.x); this is its one export.
declare module 'proxy-from-env' {
  export function getProxyForUrl(url: string | URL): string
}
