import { ROLES, ROLE_ENV } from '../../shared/roles.js'
import type { Template, TemplateEntry } from '../../shared/types.js'
import { useHref } from './base.js'
import { Layout } from './layout.js'
import { COMPACT_WINDOW_ENV, MAX_OUTPUT_ENV } from '../../shared/limits.js'
import { DETAILED_VERSIONS, dateOf, envOf, hostOf, roleLimits, safeHref, suggestedName } from './model.js'
import { breakable, type Comparison, ComparePicker, type VersionRow, WindowCell } from './template-parts.js'
import { Timeline, type TimelineData } from './timeline.js'

export type { Comparison, VersionRow }

export interface TemplatePageProps {
  entry: TemplateEntry
  latest: Template
  versions: VersionRow[]
  compare?: Comparison
  timeline?: TimelineData
}

export function TemplatePage({ entry, latest, versions, compare, timeline }: TemplatePageProps) {
  // Inputs without a default must be given at setup; the placeholder is plain text the user edits.
  // Only names the schema allows go into a command someone will paste into a shell.
  const required = (latest.inputs ?? []).filter((i) => i.default === undefined && /^[a-z][a-z0-9_]*$/.test(i.name))
  const command = [
    `claude-multi add ${suggestedName(entry.id)} ${entry.id}`,
    ...required.map((i) => `--input ${i.name}=${i.name.toUpperCase()}`),
  ].join(' ')
  const homepage = safeHref(latest.homepage ?? entry.homepage)
  const deprecated =
    (Object.hasOwn(entry.versions, latest.version) && entry.versions[latest.version]!.deprecated) || latest.deprecated
  const extraEnv = Object.entries(latest.env ?? {})
  const derived = envOf(latest)
  const retired = Object.entries(latest.retired ?? {})
  const href = useHref()
  return (
    <Layout title={`${entry.name} — claude-multi registry`} description={entry.description}>
      <p class="crumb">
        <a href={href('/')}>← All templates</a>
      </p>
      <h1>{entry.name}</h1>
      <p class="lead">{entry.description}</p>
      {deprecated ? (
        <p class="notice" role="note">
          <strong>Deprecated:</strong> {deprecated}
        </p>
      ) : null}
      <dl class="facts">
        <dt>Id</dt>
        <dd>
          <code>{entry.id}</code>
        </dd>
        <dt>Latest</dt>
        <dd>
          <span class="tag v">v{latest.version}</span>
        </dd>
        <dt>Base URL</dt>
        <dd>
          <code>{latest.baseUrl}</code> <span class="muted">({hostOf(latest.baseUrl) ?? 'invalid URL'})</span>
        </dd>
        <dt>API key in</dt>
        <dd>
          <code>{latest.auth}</code>
        </dd>
        {homepage ? (
          <>
            <dt>Homepage</dt>
            <dd>
              <a href={homepage} rel="noopener noreferrer">
                {homepage}
              </a>
            </dd>
          </>
        ) : null}
      </dl>

      <h2 id="install">Install</h2>
      <div class="install">
        <code id="cmd">{command}</code>
        <button type="button" class="ghost" data-copy={command} hidden aria-label="Copy the install command">
          Copy
        </button>
      </div>

      <h2 id="models">Models in v{latest.version}</h2>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Role and variable</th>
              <th scope="col">Model</th>
              <th scope="col">Context window</th>
            </tr>
          </thead>
          <tbody>
            {ROLES.map((role) => (
              <tr>
                <th scope="row">
                  {role}
                  <div class="var">{breakable(ROLE_ENV[role])}</div>
                </th>
                <td class="mono model">{latest.models[role]}</td>
                <WindowCell limits={roleLimits(latest, role)} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {derived[COMPACT_WINDOW_ENV] !== undefined ? (
        <p class="muted note" id="window">
          Wrappers set{' '}
          <code>
            {COMPACT_WINDOW_ENV}={derived[COMPACT_WINDOW_ENV]}
          </code>
          {derived[MAX_OUTPUT_ENV] !== undefined ? (
            <>
              {' '}
              and{' '}
              <code>
                {MAX_OUTPUT_ENV}={derived[MAX_OUTPUT_ENV]}
              </code>
            </>
          ) : null}
          , so Claude Code compacts before the smallest window of the default, sonnet and opus models.
        </p>
      ) : null}
      {timeline && timeline.columns.length > 1 ? (
        <>
          <h2 id="timeline">Model timeline</h2>
          {versions.length > DETAILED_VERSIONS ? (
            <p class="muted">
              The newest {DETAILED_VERSIONS} of {versions.length} versions.
            </p>
          ) : null}
          <Timeline name={entry.name} data={timeline} />
        </>
      ) : null}
      {extraEnv.length ? (
        <>
          <h2 id="env">Other variables</h2>
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Variable</th>
                  <th scope="col">Value</th>
                </tr>
              </thead>
              <tbody>
                {extraEnv.map(([k, v]) => (
                  <tr>
                    <td class="mono">{breakable(k)}</td>
                    <td class="mono">{v === '' ? <span class="muted">(empty)</span> : v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {latest.inputs?.length ? (
        <>
          <h2 id="inputs">Chosen at setup</h2>
          <ul>
            {latest.inputs.map((i) => (
              <li>
                <code>{i.name}</code>: {i.description}
                {i.choices?.length ? (
                  <>
                    {' '}
                    (one of{' '}
                    {i.choices.map((choice, n) => (
                      <>
                        {n ? ', ' : ''}
                        <code>{choice}</code>
                      </>
                    ))}
                    )
                  </>
                ) : null}
                {i.default !== undefined ? (
                  <>
                    {' '}
                    (default <code>{i.default}</code>)
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {retired.length ? (
        <>
          <h2 id="retired">Retired models</h2>
          <p class="muted">
            Model names this version knows the provider no longer serves; sync replaces them unless you chose them
            yourself (then it tells you the override to run).
          </p>
          <ul>
            {retired.map(([from, to]) => (
              <li>
                <code>{from}</code> → {to ? <code>{to}</code> : <span class="muted">no replacement</span>}
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h2 id="compare">Compare versions</h2>
      <ComparePicker versions={versions} compare={compare} id={entry.id} />

      <h2 id="versions">Versions</h2>
      <ol class="versions">
        {versions.slice(0, DETAILED_VERSIONS).map((v, i) => (
          <li>
            <h3>
              <span>v{v.version}</span>
              {v.publishedAt ? <time datetime={v.publishedAt}>{dateOf(v.publishedAt)}</time> : null}
              {v.deprecated ? (
                <span class="tag dep" title={v.deprecated}>
                  deprecated
                </span>
              ) : null}
              {versions[i + 1] ? (
                <a class="small" href={href(`/t/${entry.id}?from=${versions[i + 1]!.version}&to=${v.version}#compare`)}>
                  changes
                </a>
              ) : null}
            </h3>
            {v.changelog ? <p class="changelog">{v.changelog}</p> : null}
            {v.deprecated ? <p class="changelog muted">{v.deprecated}</p> : null}
          </li>
        ))}
      </ol>
      {versions.length > DETAILED_VERSIONS ? (
        <p class="muted">
          {versions.length - DETAILED_VERSIONS} older version
          {versions.length - DETAILED_VERSIONS === 1 ? ' is' : 's are'} in the compare lists above;{' '}
          <a href={href(`/v1/templates/${entry.id}.json`)}>the entry</a> lists them all.
        </p>
      ) : null}
    </Layout>
  )
}
