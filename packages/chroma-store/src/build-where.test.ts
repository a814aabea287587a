import { describe, expect, it } from "vitest";
import { buildWhere } from "./build-where.js";

describe("buildWhere", () => {
  it("matches everything when no condition is given", () => {
    expect(buildWhere({})).toBeUndefined();
    expect(buildWhere({ status: undefined })).toBeUndefined();
  });

  it("turns a single value into $eq", () => {
    expect(buildWhere({ status: "active" })).toEqual({ status: { $eq: "active" } });
    expect(buildWhere({ tier: 0 })).toEqual({ tier: { $eq: 0 } });
    expect(buildWhere({ flag: false })).toEqual({ flag: { $eq: false } });
  });

  it("turns a list into $in, dropping repeats, and a one-item list into $eq", () => {
    expect(buildWhere({ sourceType: ["blog", "website", "blog"] })).toEqual({ sourceType: { $in: ["blog", "website"] } });
    expect(buildWhere({ sourceType: ["blog"] })).toEqual({ sourceType: { $eq: "blog" } });
  });

  it("wraps several fields in $and, because Chroma refuses a where with more than one key", () => {
    expect(buildWhere({ sourceType: ["blog", "website"], status: "active", authorityTier: undefined })).toEqual({
      $and: [{ sourceType: { $in: ["blog", "website"] } }, { status: { $eq: "active" } }],
    });
  });

  it("refuses an empty list, which would match nothing", () => {
    expect(() => buildWhere({ status: [] })).toThrow(/status lists no values/);
  });
});
