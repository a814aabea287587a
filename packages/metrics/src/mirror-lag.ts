import type { ChangeFeed, SourceChange } from "@kmcp/db";
import type { LagSource } from "./sources.js";

/** Pure: when a change was made (a source's last update, or its deletion). */
export function changeTime(change: SourceChange): Date {
  return change.kind === "upsert" ? change.source.updatedAt : change.deletedAt;
}

/**
 * Reads the mirror's lag from what the sync itself uses: the checkpoint it stored in Chroma, and
 * the first change PostgreSQL's change feed has after it. One single-row query per scrape.
 */
export function createMirrorLagSource(options: {
  changes: Pick<ChangeFeed, "read">;
  readCheckpoint: () => Promise<string | null>;
}): LagSource {
  return {
    async oldestUnsyncedChange() {
      const after = await options.readCheckpoint();
      const { changes } = await options.changes.read({ after, limit: 1 });
      return changes[0] ? changeTime(changes[0]) : null;
    },
  };
}
