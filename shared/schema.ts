/**
 * The one schema of a template version. Loaded only where documents are validated (publish,
 * `validate`, first fetch into the client cache) because zod is the heaviest import we have.
 */
import { z } from 'zod'
import type { SchemaIssue } from './errors.js'
import { ID_RE, MAX_ID_LENGTH, isValidVersion } from './ids.js'
import { ENV_ALLOWLIST, templateEnvProblem } from './env-allowlist.js'
import { MAX_CONTEXT_TOKENS, MAX_OUTPUT_TOKENS, SUBAGENT_MODEL_ENV, modelAsSent } from './limits.js'
import { AUTH_VARS } from './roles.js'
import { placeholders } from './placeholders.js'
import { unsafeTextProblem } from './text.js'
import { baseUrlProblem } from './values.js'
import type { Template } from './types.js'

const INPUT_NAME_RE = /^[a-z][a-z0-9_]*$/

const isWebUrl = (value: string): boolean => {
  if (/\s/.test(value)) return false
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol)
  } catch {
    return false
  }
}

/** Every string a registry supplies ends up on a terminal: no control or bidi characters in any. */
const safe = (multiline: boolean) => (value: string, ctx: z.core.$RefinementCtx<string>) => {
  const problem = unsafeTextProblem(value, { multiline })
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
}
const plain = (max: number) => z.string().max(max, `at most ${max} characters`).superRefine(safe(false))
const nonEmpty = (max: number) => plain(max).min(1, 'must not be empty')
/** Changelogs and deprecation messages may span lines; tab and newline are their only controls. */
const text = (max: number) => z.string().max(max, `at most ${max} characters`).superRefine(safe(true))

const baseUrl = nonEmpty(2048).superRefine((value, ctx) => {
  // Placeholders (e.g. a region) are checked again after substitution, in resolveEnv.
  const problem = baseUrlProblem(value)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})

const input = z.strictObject({
  name: z.string().regex(INPUT_NAME_RE, 'must match [a-z][a-z0-9_]*').max(64),
  description: plain(500),
  default: plain(2048).optional(),
  choices: z.array(nonEmpty(2048)).min(1).max(100).optional(),
})

const models = z.strictObject({
  default: nonEmpty(200),
  fast: nonEmpty(200),
  sonnet: nonEmpty(200),
  opus: nonEmpty(200),
  haiku: nonEmpty(200),
})

const tokens = (max: number) =>
  z
    .number()
    .int('must be a whole number of tokens')
    .positive('must be positive')
    .max(max, `at most ${max.toLocaleString('en-US')}`)
const modelLimits = z.strictObject({
  context: tokens(MAX_CONTEXT_TOKENS),
  output: tokens(MAX_OUTPUT_TOKENS).optional(),
})
const MAX_LIMITS = 64

export const TemplateSchema = z.strictObject({
  $schema: plain(2048).optional(),
  id: z.string().max(MAX_ID_LENGTH).regex(ID_RE, 'must be lowercase [a-z0-9-], optionally @scope/name'),
  version: z.string().refine(isValidVersion, 'must be a strict semver version such as 1.2.0'),
  name: nonEmpty(100),
  description: plain(500),
  // Not z.url(): it trims the value it checks, while the published bytes keep what was trimmed.
  homepage: plain(2048).refine(isWebUrl, 'must be an http(s) URL').optional(),
  baseUrl,
  auth: z.enum(AUTH_VARS),
  models,
  // Names and values are checked against the allowlist in crossFieldIssues, with messages that
  // name the variable (zod reports a bad record key only as "Invalid key in record").
  env: z.record(z.string(), z.string().max(4096, 'at most 4096 characters')),
  inputs: z.array(input).max(20).default([]),
  changelog: text(20000).optional(),
  deprecated: text(2000).optional(),
  retired: z.record(nonEmpty(200), nonEmpty(200).nullable()).optional(),
  limits: z
    .record(nonEmpty(200), modelLimits)
    .refine((l) => Object.keys(l).length <= MAX_LIMITS, `at most ${MAX_LIMITS} models`)
    .optional(),
})

type Loose = { [key: string]: unknown }
const asObject = (v: unknown): Loose => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {})

/**
 * Checks across fields, run on the raw document even when its shape is wrong elsewhere, so one
 * run lists every problem (zod skips refinements once a field fails).
 */
function crossFieldIssues(raw: unknown): SchemaIssue[] {
  const doc = asObject(raw)
  const issues: SchemaIssue[] = []
  const inputs = Array.isArray(doc.inputs) ? doc.inputs.map(asObject) : []
  const declared = new Set<string>()
  inputs.forEach((i, n) => {
    if (typeof i.name !== 'string') return
    if (declared.has(i.name)) issues.push({ path: `inputs[${n}].name`, message: `duplicate input "${i.name}"` })
    declared.add(i.name)
    if (typeof i.default === 'string' && Array.isArray(i.choices) && !i.choices.includes(i.default)) {
      issues.push({ path: `inputs[${n}].default`, message: 'must be one of choices' })
    }
  })
  const env = asObject(doc.env)
  const auth = typeof doc.auth === 'string' ? doc.auth : undefined
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== 'string') continue
    const problem = templateEnvProblem(name, value, auth)
    if (problem) issues.push({ path: `env.${name.length > 128 ? `${name.slice(0, 128)}…` : name}`, message: problem })
  }
  const check = (path: string, value: unknown) => {
    if (typeof value !== 'string') return
    for (const name of placeholders(value)) {
      if (!declared.has(name)) issues.push({ path, message: `uses {{${name}}} but no input "${name}" is declared` })
    }
  }
  check('baseUrl', doc.baseUrl)
  for (const [role, model] of Object.entries(asObject(doc.models))) check(`models.${role}`, model)
  for (const [name, value] of Object.entries(env)) check(`env.${name}`, value)
  issues.push(...limitsIssues(doc, env))
  return issues
}

/** A limits key names a model this version sends, as sent: no `[1m]`, no `{{input}}`. */
function limitsIssues(doc: Loose, env: Loose): SchemaIssue[] {
  const issues: SchemaIssue[] = []
  const mapped = new Set(
    [...Object.values(asObject(doc.models)), env[SUBAGENT_MODEL_ENV]]
      .filter((m): m is string => typeof m === 'string')
      .map(modelAsSent),
  )
  for (const [model, raw] of Object.entries(asObject(doc.limits))) {
    const path = `limits.${model}`
    const limit = asObject(raw)
    if (typeof limit.output === 'number' && typeof limit.context === 'number' && limit.output > limit.context)
      issues.push({ path: `${path}.output`, message: 'must not exceed context' })
    if (placeholders(model).length)
      issues.push({ path, message: 'a model chosen at setup has no fixed limits (claude-multi add asks the provider)' })
    else if (modelAsSent(model) !== model)
      issues.push({ path, message: `write the model name as sent, without [1m]: "${modelAsSent(model)}"` })
    else if (!mapped.has(model)) issues.push({ path, message: 'is not a model this version maps' })
  }
  return issues
}

export type TemplateDocument = z.output<typeof TemplateSchema>

export type ValidationResult = { ok: true; template: Template } | { ok: false; issues: SchemaIssue[] }

const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)),
    '',
  )

/** Validates a parsed document and lists every issue with its JSON path, not only the first. */
export function validateTemplate(doc: unknown): ValidationResult {
  const result = TemplateSchema.safeParse(doc)
  const extra = crossFieldIssues(doc)
  if (result.success && extra.length === 0) {
    const { $schema: _, ...template } = result.data
    return { ok: true, template: template as Template }
  }
  const issues = result.success
    ? []
    : result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }))
  return { ok: false, issues: [...issues, ...extra] }
}

export function parseTemplateJson(text: string): ValidationResult {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (error) {
    return { ok: false, issues: [{ path: '', message: `not valid JSON: ${(error as Error).message}` }] }
  }
  return validateTemplate(doc)
}

export function templateJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(TemplateSchema, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, Record<string, unknown>>
  }
  // The allowlist, so editors flag a variable no registry accepts.
  const settable = Object.keys(ENV_ALLOWLIST).filter((n) => ['env', 'key'].includes(ENV_ALLOWLIST[n]!.from))
  schema.properties.env = { ...schema.properties.env, propertyNames: { type: 'string', enum: settable } }
  return { $id: 'https://claude-multi.dev/v1/schema.json', title: 'claude-multi provider template', ...schema }
}
