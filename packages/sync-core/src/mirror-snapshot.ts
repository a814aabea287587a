import { readAllPages } from "@kmcp/core";
import type { ChromaStore, MirrorRecord } from "@kmcp/chroma-store";
import { createCompactMirrorBuilder, type CompactMirror } from "./compact-mirror.js";

const PAGE = 10_000;

/** Every mirror record, read page by page. */
export function readAllMirrorRecords(store: ChromaStore, filters = {}): Promise<MirrorRecord[]> {
  return readAllPages((offset, limit) => store.sources.find({ filters, limit, offset }), PAGE);
}

/**
 * The whole mirror, read page by page (the next page is fetched while this one is packed) into
 * the compact in-memory form: no page is kept once packed.
 */
export async function loadCompactMirror(store: ChromaStore): Promise<CompactMirror> {
  const builder = createCompactMirrorBuilder(await store.sources.count());
  const read = (offset: number) => {
    const pending = store.sources.find({ limit: PAGE, offset });
    pending.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    return pending;
  };
  let next = read(0);
  for (let offset = 0; ; offset += PAGE) {
    const page = await next;
    if (page.length === PAGE) next = read(offset + PAGE);
    for (const record of page) builder.add(record);
    if (page.length < PAGE) return builder.build();
  }
}

/**
 * The whole mirror held in memory, so offline reads cost what an in-memory scan or binary
 * search costs, not a Chroma scan. Loaded in the background (callers answer from Chroma until it
 * is ready) and tied to a key that changes whenever the mirror may have: its as-of time, or its
 * version.
 */
export interface MirrorSnapshot {
  /** The snapshot for this key if it is ready; otherwise starts loading one (the old one is kept until it lands). */
  current(key: number): CompactMirror | undefined;
  /** Resolves once the snapshot for `key` is ready (loading it if needed); rejects if it cannot be read. */
  load(key: number): Promise<void>;
  drop(): void;
}

export function createMirrorSnapshot(store: ChromaStore): MirrorSnapshot {
  let loaded: { key: number; snapshot: CompactMirror } | undefined;
  let loading: { key: number; done: Promise<void> } | undefined;

  function load(key: number): Promise<void> {
    if (loaded?.key === key) return Promise.resolve();
    if (loading?.key === key) return loading.done;
    const attempt: { key: number; done: Promise<void> } = {
      key,
      done: loadCompactMirror(store)
        .then((snapshot) => {
          if (loading === attempt) loaded = { key, snapshot };
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
