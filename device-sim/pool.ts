/**
 * Runs `fn` over `items` with at most `limit` calls in flight, in input order, and never rejects: hundreds of
 * nodes connecting at once would make the broker's CONNECT burst the bottleneck, and one failing node must
 * not stop the rest.
 */
export async function mapLimit<T, R> (
  items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>
): Promise<Array<PromiseSettledResult<R>>> {
  const results: Array<PromiseSettledResult<R>> = new Array(items.length)
  let next = 0
  async function worker (): Promise<void> {
    while (next < items.length) {
      const i = next++
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i] as T, i) }
      } catch (reason) {
        results[i] = { status: 'rejected', reason }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return results
}
