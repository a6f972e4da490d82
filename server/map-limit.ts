/**
 * `Promise.all(items.map(fn))` with at most `limit` calls in flight, results in order. Building
 * the index of 10,000 ids with all reads in flight at once held every file of the registry in
 * memory together, and queued them all on libuv's four threads anyway.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return out
}
