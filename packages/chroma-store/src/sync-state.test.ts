import { describe, expect, it } from "vitest";
import { ChromaStoreError } from "./errors.js";
import { decodeSyncState, decodeSyncStateMetadata, EMPTY_SYNC_STATE, encodeSyncState, encodeSyncStateMetadata } from "./sync-state.js";

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof ChromaStoreError ? error.code : "not a ChromaStoreError";
  }
  return undefined;
}

describe("sync state encoding", () => {
  it("round-trips checkpoint, report and time", () => {
    const report = { synced: 12, deleted: 1, errors: [], finishedAt: "2025-01-01T00:00:00.000Z" };
    const stored = encodeSyncState({ checkpoint: "42:7", lastReport: report, updatedAt: 1000 }, 5000);
    expect(decodeSyncState(stored, "c")).toEqual({ checkpoint: "42:7", lastReport: report, updatedAt: 1000 });
  });

  it("stores a null checkpoint without null, defaults the report to null and the time to now", () => {
    const stored = encodeSyncState({ checkpoint: null }, 5000);
    expect(Object.values(stored.metadata)).not.toContain(null);
    expect(stored.document).toBe("null");
    expect(decodeSyncState(stored, "c")).toEqual({ checkpoint: null, lastReport: null, updatedAt: 5000 });
  });

  it("reads no record as the empty state", () => {
    expect(decodeSyncState(undefined, "c")).toEqual(EMPTY_SYNC_STATE);
    expect(EMPTY_SYNC_STATE).toEqual({ checkpoint: null, lastReport: null, updatedAt: null });
  });

  it("refuses a report JSON cannot hold", () => {
    expect(codeOf(() => encodeSyncState({ checkpoint: "1", lastReport: { n: 1n } }, 0))).toBe("VALIDATION");
    expect(codeOf(() => encodeSyncState({ checkpoint: "1", lastReport: () => 1 }, 0))).toBe("VALIDATION");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(codeOf(() => encodeSyncState({ checkpoint: "1", lastReport: cyclic }, 0))).toBe("VALIDATION");
  });

  it("reports a stored state it cannot read as CORRUPT", () => {
    const good = encodeSyncState({ checkpoint: "1", lastReport: {} }, 10);
    expect(codeOf(() => decodeSyncState({ ...good, document: "{not json" }, "c"))).toBe("CORRUPT");
    expect(codeOf(() => decodeSyncState({ ...good, document: null }, "c"))).toBe("CORRUPT");
    expect(codeOf(() => decodeSyncState({ metadata: { ...good.metadata, format: 99 }, document: "{}" }, "c"))).toBe("CORRUPT");
    expect(codeOf(() => decodeSyncState({ metadata: { ...good.metadata, updatedAt: "yesterday" }, document: "{}" }, "c"))).toBe("CORRUPT");
    expect(codeOf(() => decodeSyncState({ metadata: { format: 1, updatedAt: 10 }, document: "{}" }, "c"))).toBe("CORRUPT");
    expect(codeOf(() => decodeSyncState({ metadata: null, document: "{}" }, "c"))).toBe("CORRUPT");
  });
});

describe("sync state in a collection's metadata", () => {
  const marker = { kmcp_kind: "sync_state", kmcp_format: 1 };

  it("round-trips beside the collection's own keys, a null checkpoint as no key", () => {
    const report = { upserted: 0, finishedAt: "2025-01-01T00:00:00.000Z" };
    const written = encodeSyncStateMetadata({ checkpoint: "42:7", lastReport: report }, 5000);
    expect(decodeSyncStateMetadata({ ...marker, ...written }, "c")).toEqual({ checkpoint: "42:7", lastReport: report, updatedAt: 5000 });
    const cleared = encodeSyncStateMetadata({ checkpoint: null, updatedAt: 7 }, 5000);
    expect(Object.keys(cleared).some((key) => key.includes("checkpoint"))).toBe(false);
    expect(decodeSyncStateMetadata({ ...marker, ...cleared }, "c")).toEqual({ checkpoint: null, lastReport: null, updatedAt: 7 });
  });

  it("says there is none in metadata that holds only the collection's marker", () => {
    expect(decodeSyncStateMetadata(marker, "c")).toBeUndefined();
    expect(decodeSyncStateMetadata(null, "c")).toBeUndefined();
  });

  it("reports damaged state as CORRUPT", () => {
    const written = encodeSyncStateMetadata({ checkpoint: "1", lastReport: {} }, 5000);
    expect(codeOf(() => decodeSyncStateMetadata({ ...written, kmcp_sync_report: "{truncated" }, "c"))).toBe("CORRUPT");
    expect(codeOf(() => decodeSyncStateMetadata({ ...written, kmcp_sync_updated_at: "yesterday" }, "c"))).toBe("CORRUPT");
    const { kmcp_sync_report: _dropped, ...withoutReport } = written;
    expect(codeOf(() => decodeSyncStateMetadata(withoutReport, "c"))).toBe("CORRUPT");
  });
});
