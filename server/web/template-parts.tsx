/** Pieces of the template page: the context-window cell and the version compare picker. */
import { type roleLimits, tokensText } from './model.js'
import { useHref } from './base.js'
import type { EnvChange } from './model.js'

export interface VersionRow {
  version: string
  publishedAt?: string
  deprecated?: string
  changelog?: string
}

export interface Comparison {
  from: string
  to: string
  changes: EnvChange[]
  /** Shown instead of the table when `from`/`to` name no published version. */
  error?: string
}

export function WindowCell({ limits }: { limits: ReturnType<typeof roleLimits> }) {
  if (limits === 'setup') return <td class="muted">read at setup</td>
  if (!limits) return <td class="muted">not declared</td>
  return (
    <td class="mono">
      {tokensText(limits.context)}
      {limits.output !== undefined ? <div class="var">output ≤ {tokensText(limits.output)}</div> : null}
    </td>
  )
}

export function ComparePicker(props: { id: string; versions: VersionRow[]; compare?: Comparison }) {
  const { versions, compare } = props
  const href = useHref()
  if (versions.length < 2)
    return <p class="muted">Only one version is published, so there is nothing to compare yet.</p>
  const select = (name: 'from' | 'to', label: string, selected?: string) => (
    <div class="field">
      <label for={name}>{label}</label>
      <select id={name} name={name}>
        {versions.map((v) => (
          <option value={v.version} selected={v.version === selected}>
            {v.version}
          </option>
        ))}
      </select>
    </div>
  )
  const changed = compare?.changes.filter((c) => c.changed) ?? []
  return (
    <>
      <form class="picker" method="get" action={href(`/t/${props.id}#compare`)}>
        {select('from', 'From version', compare?.from)}
        {select('to', 'To version', compare?.to)}
        <button type="submit">Compare</button>
      </form>
      {compare?.error ? (
        <p class="notice" role="alert">
          {compare.error}
        </p>
      ) : compare ? (
        changed.length ? (
          <div class="scroll">
            <table id="diff" aria-label={`Changes from ${compare.from} to ${compare.to}`}>
              <thead>
                <tr>
                  <th scope="col">Variable</th>
                  <th scope="col">v{compare.from}</th>
                  <th scope="col">v{compare.to}</th>
                </tr>
              </thead>
              <tbody>
                {changed.map((c) => (
                  <tr>
                    <th scope="row">
                      {c.role ?? ''}
                      <div class="var">{breakable(c.key)}</div>
                    </th>
                    <td class="mono" data-label={`v${compare.from}`}>
                      {c.before === undefined ? (
                        <span class="muted">(not set)</span>
                      ) : (
                        <del class="del">{c.before}</del>
                      )}
                    </td>
                    <td class="mono" data-label={`v${compare.to}`}>
                      {c.after === undefined ? <span class="muted">(removed)</span> : <ins class="add">{c.after}</ins>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p class="muted note">
              {compare.changes.length - changed.length} other variable
              {compare.changes.length - changed.length === 1 ? '' : 's'} unchanged.
            </p>
          </div>
        ) : (
          <p class="muted" id="diff">
            v{compare.from} and v{compare.to} set the same variables.
          </p>
        )
      ) : null}
    </>
  )
}

/** Long variable names may wrap after an underscore on a phone instead of mid-word. */
export function breakable(name: string) {
  const parts = name.split('_')
  return parts.map((part, i) =>
    i < parts.length - 1 ? (
      <>
        {part}_<wbr />
      </>
    ) : (
      part
    ),
  )
}
