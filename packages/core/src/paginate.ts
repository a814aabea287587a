/**
 * Pages of a collection read by offset, until a page comes back shorter than `pageSize`.
 * Writes during the iteration may shift pages; iterate what nothing else is writing.
 *
 * @example
 *   for await (const page of paginate((offset, limit) => collection.get({ offset, limit }), 5_000)) use(page);
 */
export async function* paginate<T>(
  fetchPage: (offset: number, limit: number) => Promise<readonly T[]>,
  pageSize: number,
): AsyncGenerator<readonly T[], void, undefined> {
  for (let offset = 0; ; offset += pageSize) {
    const page = await fetchPage(offset, pageSize);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
  }
}

/** Every item of every page (see paginate). */
export async function readAllPages<T>(fetchPage: (offset: number, limit: number) => Promise<readonly T[]>, pageSize: number): Promise<T[]> {
  const items: T[] = [];
  for await (const page of paginate(fetchPage, pageSize)) items.push(...page);
  return items;
}
