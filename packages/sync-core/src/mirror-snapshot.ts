import type { ChromaStore, MirrorRecord } from "@kmcp/chroma-store";
import { byUrl } from "./mirror-query.js";

const PAGE = 10_000;

/** Every mirror record, read page by page. */
export async function readAllMirrorRecords(store: ChromaStore, filters = {}): Promise<MirrorRecord[]> {
  const records: MirrorRecord[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.sources.find({ filters, limit: PAGE, offset });
    records.push(...page);
    if (page.length < PAGE) return records;
  }
}

/**
 * The whole mirror held in memory while PostgreSQL is down, so offline lists cost what an
 * in-memory filter costs, not a Chroma scan. Loaded in the background on first use (callers
 * answer from Chroma until it is ready) and tied to the mirror's as-of time: a newer sync makes
 * it stale, and it is dropped when PostgreSQL comes back.
 */
export interface LoadedSnapshot {
  /** Every record, sorted by url. */
  sorted: MirrorRecord[];
  byId: ReadonlyMap<string, MirrorRecord>;
  byUrl: ReadonlyMap<string, MirrorRecord>;
}

export interface MirrorSnapshot {
  /** The snapshot for this as-of time if it is ready; otherwise starts loading one. */
  current(asOf: Date): LoadedSnapshot | undefined;
  drop(): void;
}

export function createMirrorSnapshot(store: ChromaStore): MirrorSnapshot {
  let loaded: { asOf: number; snapshot: LoadedSnapshot } | undefined;
  let loading: { asOf: number } | undefined;
  return {
    current(asOf) {
      const at = asOf.getTime();
      if (loaded?.asOf === at) return loaded.snapshot;
      if (loading?.asOf !== at) {
        const attempt = { asOf: at };
        loading = attempt;
        readAllMirrorRecords(store).then(
          (records) => {
            if (loading === attempt) loaded = { asOf: at, snapshot: index(records) };
          },
          () => {},
        ).finally(() => {
          if (loading === attempt) loading = undefined;
        });
      }
      return undefined;
    },
    drop() {
      loaded = undefined;
      loading = undefined;
    },
  };
}

function index(records: MirrorRecord[]): LoadedSnapshot {
  const sorted = records.sort(byUrl);
  return { sorted, byId: new Map(sorted.map((r) => [r.id, r])), byUrl: new Map(sorted.map((r) => [r.url, r])) };
}
