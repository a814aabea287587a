/**
 * Answers repeated source reads from memory while PostgreSQL's source version (see
 * currentSourceVersion) is unchanged. Every read first asks PostgreSQL for the version; an answer
 * is reused only if it was loaded after that same version was read, so it reflects every write
 * that committed before the read began, from any process. The win is the smaller query: one
 * single-row lookup instead of the read itself.
 */
export interface ReadCache {
  /**
   * The cached answer for `key` if no change to sources has committed since it was loaded;
   * otherwise `load()`, kept for the next read. Callers get their own `copy` of a kept answer,
   * never the kept one.
   */
  read<T>(key: string, load: () => Promise<T>, copy: (value: T) => T): Promise<T>;
  /** False for NO_READ_CACHE. */
  readonly enabled: boolean;
}

/** No caching: every read goes to PostgreSQL. */
export const NO_READ_CACHE: ReadCache = { read: (_key, load) => load(), enabled: false };

/**
 * @param version reads the current version; null means there is none to check (the migration
 *   that adds it is not applied), and then nothing is cached.
 */
export function createReadCache(readVersion: () => Promise<string | null>, maxEntries: number): ReadCache {
  const version = sharedAfterStart(readVersion);
  const entries = new Map<string, unknown>();
  // The version the kept entries were loaded at. Any other version (newer, or a database that was
  // reset) empties the cache: entries never outlive the version they were read at.
  let entriesVersion: string | null = null;

  return {
    enabled: true,
    async read(key, load, copy) {
      // Read BEFORE the query: a load that starts after this returns sees every change that had
      // committed when this version was current.
      const before = await version();
      if (before === null) return load();
      if (before !== entriesVersion) {
        entries.clear();
        entriesVersion = before;
      }
      if (entries.has(key)) {
        const hit = entries.get(key);
        entries.delete(key); // most recently used last
        entries.set(key, hit);
        return copy(hit as Awaited<ReturnType<typeof load>>);
      }
      const value = await load();
      // A concurrent read may have seen a newer version meanwhile; then this answer is not kept.
      if (entriesVersion === before) {
        entries.set(key, copy(value));
        if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      }
      return value;
    },
  };
}

/**
 * `read`, shared by callers as a group commit is: a caller while none is in flight sends one;
 * callers while one is in flight wait for it to settle and then share the next, sent after they
 * all began. So each caller's answer comes from a read that started after it did (a version
 * read that way reflects every write committed before the caller began), and a burst of
 * concurrent callers costs two reads instead of one each.
 */
export function sharedAfterStart<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  let next: Promise<T> | null = null;
  const send = () => {
    const sent = read();
    inFlight = sent;
    const settled = () => {
      if (inFlight === sent) inFlight = null;
    };
    sent.then(settled, settled);
    return sent;
  };
  return () => {
    if (!inFlight) return send();
    next ??= inFlight.then(
      () => {},
      () => {},
    ).then(() => {
      next = null;
      return send();
    });
    return next;
  };
}
