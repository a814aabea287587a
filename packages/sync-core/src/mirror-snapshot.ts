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
  let reading: { key: number; done: Promise<void> } | undefined;
  let queued: Promise<void> | undefined;
  let wanted: number | undefined;

  function read(key: number): Promise<void> {
    const attempt: { key: number; done: Promise<void> } = {
      key,
      done: loadCompactMirror(store)
        .then((snapshot) => {
          if (reading === attempt) loaded = { key, snapshot };
        })
        .finally(() => {
          if (reading === attempt) reading = undefined;
        }),
    };
    reading = attempt;
    return attempt.done;
  }

  function load(key: number): Promise<void> {
    wanted = key;
    if (loaded?.key === key) return Promise.resolve();
    if (reading?.key === key) return reading.done;
    if (!reading) return read(key);
    // One read of the whole mirror at a time (at a million sources it takes minutes): keys asked
    // for meanwhile share one more read, of the newest, once the one in flight is done.
    if (!queued) {
      const next: Promise<void> = reading.done
        .catch(() => {})
        .then(() => {
          if (queued === next) queued = undefined;
          return wanted === undefined ? undefined : load(wanted);
        });
      queued = next;
    }
    return queued;
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
      reading = undefined;
      queued = undefined;
      wanted = undefined;
    },
  };
}
