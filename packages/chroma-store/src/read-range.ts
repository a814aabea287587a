/**
 * `limit` items from `offset`, read in requests of at most `pageSize` (a server may cap the
 * results of one read), stopping at the first short page.
 */
export async function readRange<T>(
  read: (offset: number, limit: number) => Promise<readonly T[]>,
  range: { offset: number; limit: number },
  pageSize: number,
): Promise<T[]> {
  if (pageSize !== Infinity && !(Number.isInteger(pageSize) && pageSize >= 1)) {
    throw new RangeError(`page size must be a positive integer, got ${pageSize}`);
  }
  const items: T[] = [];
  while (items.length < range.limit) {
    const want = Math.min(pageSize, range.limit - items.length);
    const page = await read(range.offset + items.length, want);
    items.push(...page);
    if (page.length < want) break;
  }
  return items;
}
