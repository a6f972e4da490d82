/** `{{region}}` references to setup inputs inside baseUrl, models and env values. */
export const PLACEHOLDER_RE = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g

export function placeholders(value: string): string[] {
  return [...value.matchAll(PLACEHOLDER_RE)].map((m) => m[1]!)
}

export function substitute(value: string, inputs: Readonly<Record<string, string>>): string {
  return value.replace(PLACEHOLDER_RE, (_, name: string) => inputs[name] ?? '')
}
