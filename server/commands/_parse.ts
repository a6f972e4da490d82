import { UsageError } from '../../shared/errors.js'

/** `65536`, `64kb`, `1mb` → bytes. */
export function parseSize(text: string, flag: string): number {
  const match = /^(\d+)\s*(b|kb|kib|k|mb|mib|m)?$/i.exec(text.trim())
  if (!match) throw new UsageError(`${flag} "${text}" is not a size`, 'write bytes (65536) or 64kb / 1mb')
  const unit = (match[2] ?? 'b').toLowerCase()
  const factor = unit.startsWith('m') ? 1024 * 1024 : unit.startsWith('k') ? 1024 : 1
  const bytes = Number(match[1]) * factor
  if (bytes < 1 || bytes > 64 * 1024 * 1024) throw new UsageError(`${flag} must be between 1 byte and 64mb`)
  return bytes
}

export function parseInteger(text: string, flag: string, min: number, max: number): number {
  const value = Number(text)
  if (!/^\d+$/.test(text.trim()) || value < min || value > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${text}"`)
  return value
}

export function parseUrl(text: string, flag: string): string {
  try {
    const url = new URL(text)
    if (url.protocol === 'http:' || url.protocol === 'https:') return text
  } catch {
    // fall through to the usage error
  }
  throw new UsageError(`${flag} "${text}" is not an http(s) URL`)
}
