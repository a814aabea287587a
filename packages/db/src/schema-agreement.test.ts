import { AuthorityTier, RequestStatus, SourceStatus, SourceType } from "@kmcp/core";
import { describe, expect, it } from "vitest";
import * as prisma from "./generated/prisma/enums.js";
import { REQUEST_MATCHES_PRISMA, SOURCE_MATCHES_PRISMA } from "./types.js";

describe("the Prisma schema agrees with @kmcp/core's domain", () => {
  it("has the same enum values", () => {
    expect(prisma.SourceType).toEqual(SourceType);
    expect(prisma.SourceStatus).toEqual(SourceStatus);
    expect(prisma.AuthorityTier).toEqual(AuthorityTier);
    expect(prisma.RequestStatus).toEqual(RequestStatus);
  });
  it("has the same models (checked by the compiler)", () => {
    expect([SOURCE_MATCHES_PRISMA, REQUEST_MATCHES_PRISMA]).toEqual([true, true]);
  });
});
