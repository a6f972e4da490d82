import { defineCommand, type CommandDef } from 'citty'

// biome-ignore lint/suspicious/noExplicitAny: citty's CommandDef is invariant in its args; one table holds commands of every shape
type AnyCommand = CommandDef<any>
type Lazy = () => Promise<AnyCommand>
const load =
  (name: string): Lazy =>
  () =>
    import(/* @vite-ignore */ `./${name}.js`).then((m: { default: AnyCommand }) => m.default)

// Each command module is imported only when it runs, so `sync --check` never pays for the rest.
export const commands: Record<string, Lazy> = {
  templates: load('templates'),
  info: load('info'),
  add: load('add'),
  list: load('list'),
  outdated: load('outdated'),
  diff: load('diff'),
  sync: load('sync'),
  pin: load('pin'),
  unpin: load('unpin'),
  override: load('override'),
  rollback: load('rollback'),
  adopt: load('adopt'),
  remove: load('remove'),
  rename: load('rename'),
  cache: load('cache'),
  key: load('key'),
  doctor: load('doctor'),
  registry: load('registry'),
  publish: load('publish'),
  deprecate: load('deprecate'),
  'dist-tag': load('dist-tag'),
  completion: load('completion'),
  notify: load('notify'),
  auto: load('auto'),
  config: load('config'),
}

export const main = defineCommand({
  meta: {
    name: 'claude-multi',
    description: 'Keep Claude Code provider wrappers on the newest template version, keeping your edits',
  },
  subCommands: commands,
})
