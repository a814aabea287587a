import { describe, expect, it } from "vitest";
import { createSyncDemand } from "./sync-demand.js";

describe("createSyncDemand", () => {
  it("owes a sync at start, and nothing once one began", () => {
    const demand = createSyncDemand();
    expect(demand.owed).toBe(true);
    demand.begin();
    expect(demand.owed).toBe(false);
    demand.note();
    expect(demand.owed).toBe(true);
  });

  it("counts another process's good sync as covering changes heard before it started, not after", () => {
    const demand = createSyncDemand();
    demand.begin();
    demand.note(); // a change
    demand.otherStarted(); // another process took the lease after hearing of it
    expect(demand.otherFinished(true)).toBe(false);

    demand.otherStarted();
    demand.note(); // a change committed while the other sync ran: it may have missed it
    expect(demand.otherFinished(true)).toBe(true);
  });

  it("does not count a failed sync by another process", () => {
    const demand = createSyncDemand();
    demand.begin();
    demand.note();
    demand.otherStarted();
    expect(demand.otherFinished(false)).toBe(true);
  });

  it("restores what was owed when this process's own attempt found the lease busy, keeping coverage by the busy holder", () => {
    const demand = createSyncDemand();
    demand.begin();
    demand.note(); // a change
    demand.otherStarted(); // another process started syncing after it
    const token = demand.begin(); // this process tries too...
    demand.restore(token); // ...and finds the lease busy
    expect(demand.owed).toBe(true);
    expect(demand.otherFinished(true)).toBe(false); // the holder's sync covered the change
  });

  it("keeps a demand heard during an attempt over the one restored", () => {
    const demand = createSyncDemand();
    demand.note();
    const token = demand.begin();
    demand.otherStarted();
    demand.note(); // heard after the other started
    demand.restore(token);
    expect(demand.otherFinished(true)).toBe(true);
  });
});
