import type { ChangeListener } from "./change-listener.js";

/**
 * Answers repeated source reads from memory, but only while PostgreSQL's change notifications
 * are known to arrive (see ChangeListener): an answer is reused until the next committed
 * change, a write by this process, or any doubt about the notification connection.
 */
export interface ReadCache {
  /**
   * The cached answer for `key` if it is still current; otherwise `load()`, kept when nothing
   * changed meanwhile. Callers get their own `copy` of a kept answer, never the kept one.
   */
  read<T>(key: string, load: () => Promise<T>, copy: (value: T) => T): Promise<T>;
  /** Forget every answer: this process wrote (its own reads must see it at once). */
  invalidate(): void;
  /** Whether answers are being reused right now (false while in doubt, and when caching is off). */
  isLive(): boolean;
  close(): Promise<void>;
}

/** No caching: every read goes to PostgreSQL. */
export const NO_READ_CACHE: ReadCache = { read: (_key, load) => load(), invalidate() {}, isLive: () => false, close: async () => {} };

export function createReadCache(listener: ChangeListener, maxEntries: number): ReadCache {
  const entries = new Map<string, unknown>();
  let writes = 0;
  let entriesVersion = -1;
  // Both counters only grow, so their sum changes whenever either does.
  const version = () => listener.epoch() + writes;

  return {
    async read(key, load, copy) {
      listener.start();
      const live = listener.isLive();
      const before = version();
      if (before !== entriesVersion) {
        entries.clear();
        entriesVersion = before;
      }
      if (live && entries.has(key)) {
        const hit = entries.get(key);
        entries.delete(key); // most recently used last
        entries.set(key, hit);
        return copy(hit as Awaited<ReturnType<typeof load>>);
      }
      const value = await load();
      // Kept only if no change was announced while it loaded, so it cannot predate one.
      if (live && listener.isLive() && version() === before) {
        entries.set(key, copy(value));
        if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      }
      return value;
    },
    invalidate() {
      writes++;
    },
    isLive: () => listener.isLive(),
    close: () => listener.close(),
  };
}
