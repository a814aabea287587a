import { DbError } from "@kmcp/db";
import { describe, expect, it } from "vitest";
import { failedReport, successReport } from "./sync-report.js";

const previous = successReport({ mode: "full", startedAt: 0, finishedAt: 100, counts: { upserted: 5, deleted: 0, unchanged: 0 }, previous: null });

describe("sync reports", () => {
  it("moves the mirror version only when a run wrote something", () => {
    expect(previous).toMatchObject({ outcome: "success", durationMs: 100, lastSuccessAt: 100, lastChangedAt: 100 });
    const idle = successReport({ mode: "incremental", startedAt: 200, finishedAt: 230, counts: { upserted: 0, deleted: 0, unchanged: 3 }, previous });
    expect(idle).toMatchObject({ lastSuccessAt: 230, lastChangedAt: 100, unchanged: 3 });
    const deleting = successReport({ mode: "incremental", startedAt: 300, finishedAt: 310, counts: { upserted: 0, deleted: 1, unchanged: 0 }, previous });
    expect(deleting.lastChangedAt).toBe(310);
  });

  it("keeps the last success through a failure and says which side failed", () => {
    const failed = failedReport({ mode: "incremental", startedAt: 400, finishedAt: 450, error: new DbError("UNREACHABLE", "PostgreSQL is unreachable.\nmore"), previous });
    expect(failed).toMatchObject({ outcome: "failed", lastSuccessAt: 100, lastChangedAt: 450, error: { side: "postgres", message: "PostgreSQL is unreachable." } });
    expect(failedReport({ mode: "full", startedAt: 0, finishedAt: 1, error: new Error("boom"), previous: null })).toMatchObject({ lastSuccessAt: null, error: { side: "internal" } });
  });
});
