import type { ChromaStore } from "@kmcp/chroma-store";
import type { SyncDb } from "@kmcp/db";

const PAGE = 5_000;

/**
 * The ids the mirror holds that name no source in PostgreSQL, a page of mirror ids at a time
 * checked with one query, so memory stays flat however big the mirror is. Like iterateIds, a
 * write during the walk may make it miss or repeat an id.
 */
export async function* orphanIds(db: Pick<SyncDb, "sources">, store: Pick<ChromaStore, "sources">): AsyncGenerator<string[], void, undefined> {
  let page: string[] = [];
  const check = async () => {
    const live = await db.sources.existingIds(page);
    const orphans = page.filter((id) => !live.has(id));
    page = [];
    return orphans;
  };
  for await (const id of store.sources.iterateIds({ pageSize: PAGE })) {
    page.push(id);
    if (page.length === PAGE) yield await check();
  }
  if (page.length > 0) yield await check();
}
