/**
 * A minimal Prometheus registry: counters with labels, rendered in the text exposition format.
 * Label values are bounded by construction (route patterns, status codes), never raw paths.
 */
export interface Metrics {
  request(route: string, method: string, status: number): void
  publish(outcome: 'created' | 'exists' | 'rejected'): void
  upstreamFailure(): void
  render(): string
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
const labels = (pairs: Record<string, string>) =>
  `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',')}}`

export function createMetrics(): Metrics {
  const requests = new Map<string, number>()
  const publishes = new Map<string, number>()
  let upstreamFailures = 0
  const started = Date.now()
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1)

  return {
    request(route, method, status) {
      // Counted under a cheap key on the hot path; labels are built only when /metrics is read.
      bump(requests, `${route}\n${method}\n${status}`)
    },
    publish(outcome) {
      bump(publishes, labels({ outcome }))
    },
    upstreamFailure() {
      upstreamFailures++
    },
    render() {
      const lines = [
        '# HELP registry_http_requests_total HTTP requests by route pattern, method and status.',
        '# TYPE registry_http_requests_total counter',
        ...[...requests]
          .map(([key, n]) => {
            const [route, method, status] = key.split('\n') as [string, string, string]
            return `registry_http_requests_total${labels({ route, method, status })} ${n}`
          })
          .sort(),
        '# HELP registry_publishes_total Publish attempts by outcome.',
        '# TYPE registry_publishes_total counter',
        ...[...publishes].sort().map(([l, n]) => `registry_publishes_total${l} ${n}`),
        '# HELP registry_upstream_failures_total Failed requests to the upstream registry.',
        '# TYPE registry_upstream_failures_total counter',
        `registry_upstream_failures_total ${upstreamFailures}`,
        '# HELP registry_uptime_seconds Seconds since the server started.',
        '# TYPE registry_uptime_seconds gauge',
        `registry_uptime_seconds ${Math.round((Date.now() - started) / 1000)}`,
      ]
      return `${lines.join('\n')}\n`
    },
  }
}
