import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { versionDoc } from '../helpers/template-docs.js'
import { runCli, startServer, type RunningServer } from '../helpers/server.js'

describe('serve --upstream (real processes)', () => {
  let dir: string
  let upstream: RunningServer
  let mirror: RunningServer
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cmr-mirror-e2e-'))
    upstream = await startServer(['--log-format', 'json'])
    const token = runCli(['token', 'create', '--name', 'ci', '--scope', '@acme/*', '--data', dir]).stdout.trim()
    mirror = await startServer(['--data', dir, '--upstream', upstream.url, '--upstream-max-age', '0', '--quiet'])
    const put = await fetch(`${mirror.url}/v1/templates/@acme/gw/1.0.0`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: versionDoc('@acme/gw', '1.0.0'),
    })
    expect(put.status).toBe(201)
  })
  afterAll(async () => {
    await Promise.all([upstream?.stop(), mirror?.stop()])
    await rm(dir, { recursive: true, force: true })
  })

  it('shows both catalogues, keeps serving when the upstream dies, never asks it for @acme', async () => {
    const upIndex = (await (await fetch(`${upstream.url}/v1/index.json`)).json()) as {
      templates: Record<string, { 'dist-tags': { latest: string } }>
    }
    const res = await fetch(`${mirror.url}/v1/index.json`)
    expect(res.headers.get('warning')).toBeNull()
    const both = (await res.json()) as { templates: Record<string, unknown> }
    expect(Object.keys(both.templates).sort()).toEqual(['@acme/gw', ...Object.keys(upIndex.templates)].sort())
    const glmLatest = upIndex.templates.glm!['dist-tags'].latest
    const fromUpstream = await (await fetch(`${upstream.url}/v1/templates/glm/${glmLatest}.json`)).text()
    expect(await (await fetch(`${mirror.url}/v1/templates/glm/${glmLatest}.json`)).text()).toBe(fromUpstream)
    expect((await fetch(`${mirror.url}/v1/templates/@acme/nope/1.0.0.json`)).status).toBe(404)
    expect((await fetch(`${mirror.url}/v1/templates/@acme/nope.json`)).status).toBe(404)

    await upstream.stop()
    const down = await fetch(`${mirror.url}/v1/index.json`)
    expect(down.status).toBe(200)
    expect(down.headers.get('warning')).toBe('110 - "upstream unreachable, serving cached copy"')
    expect(Object.keys(((await down.json()) as { templates: object }).templates).sort()).toEqual(
      Object.keys(both.templates).sort(),
    )
    expect(await (await fetch(`${mirror.url}/v1/templates/glm/${glmLatest}.json`)).text()).toBe(fromUpstream)
    expect((await fetch(`${mirror.url}/v1/templates/@acme/gw/1.0.0.json`)).status).toBe(200)
    const metrics = await (await fetch(`${mirror.url}/metrics`)).text()
    expect(Number(/registry_upstream_failures_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0)

    const asked = upstream
      .stderr()
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { path: string }).path)
    expect(asked.length).toBeGreaterThan(0)
    expect(asked.filter((p) => p.includes('@acme'))).toEqual([])
  })
})
