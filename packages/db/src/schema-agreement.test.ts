import { AuthorityTier, CrawlJobStatus, CrawlPageStatus, RequestStatus, SourceStatus, SourceType } from "@kmcp/core";
import { describe, expect, it } from "vitest";
import * as prisma from "./generated/prisma/enums.js";

// The models are checked by the compiler (types.ts, under `pnpm typecheck`); the enums at run time here.
describe("the Prisma schema agrees with @kmcp/core's domain", () => {
  it("has the same enum values", () => {
    expect(prisma.SourceType).toEqual(SourceType);
    expect(prisma.SourceStatus).toEqual(SourceStatus);
    expect(prisma.AuthorityTier).toEqual(AuthorityTier);
    expect(prisma.RequestStatus).toEqual(RequestStatus);
    expect(prisma.CrawlJobStatus).toEqual(CrawlJobStatus);
    expect(prisma.CrawlPageStatus).toEqual(CrawlPageStatus);
  });
});
