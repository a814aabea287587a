import { readAllPages } from "@kmcp/core";
import type { ChromaStore, MirrorRecord } from "@kmcp/chroma-store";
import { byUrl } from "./mirror-query.js";

const PAGE = 10_000;

/** Every mirror record, read page by page. */
export function readAllMirrorRecords(store: ChromaStore, filters = {}): Promise<MirrorRecord[]> {
  return readAllPages((offset, limit) => store.sources.find({ filters, limit, offset }), PAGE);
}

/**
 * The whole mirror held in memory, so offline lists cost what an in-memory filter costs, not a
 * Chroma scan. Loaded in the background (callers answer from Chroma until it is ready) and
 * tied to a key that changes whenever the mirror may have: its as-of time, or its version.
 */
export interface LoadedSnapshot {
  /** Every record, sorted by url. */
  sorted: MirrorRecord[];
  byId: ReadonlyMap<string, MirrorRecord>;
  byUrl: ReadonlyMap<string, MirrorRecord>;
}

export interface MirrorSnapshot {
  /** The snapshot for this key if it is ready; otherwise starts loading one (the old one is kept until it lands). */
  current(key: number): LoadedSnapshot | undefined;
  /** Resolves once the snapshot for `key` is ready (loading it if needed); rejects if it cannot be read. */
  load(key: number): Promise<void>;
  drop(): void;
}

export function createMirrorSnapshot(store: ChromaStore): MirrorSnapshot {
  let loaded: { key: number; snapshot: LoadedSnapshot } | undefined;
  let loading: { key: number; done: Promise<void> } | undefined;

  function load(key: number): Promise<void> {
    if (loaded?.key === key) return Promise.resolve();
    if (loading?.key === key) return loading.done;
    const attempt: { key: number; done: Promise<void> } = {
      key,
      done: readAllMirrorRecords(store)
        .then((records) => {
          if (loading === attempt) loaded = { key, snapshot: index(records) };
        })
        .finally(() => {
          if (loading === attempt) loading = undefined;
        }),
    };
    loading = attempt;
    return attempt.done;
  }

  return {
    current(key) {
      if (loaded?.key === key) return loaded.snapshot;
      load(key).catch(() => {});
      return undefined;
    },
    load,
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
