import { describe, expect, it } from "vitest";
import { hideNulls, NULL_FIELDS_KEY, restoreNulls } from "./chroma-metadata.js";

const placeholders = { description: "", lastCrawledAt: 0 };

describe("hideNulls / restoreNulls", () => {
  it("writes every nullable key, a placeholder where null, and lists the nulls", () => {
    expect(hideNulls({ title: "t", description: null, lastCrawledAt: undefined }, placeholders)).toEqual({
      title: "t",
      description: "",
      lastCrawledAt: 0,
      [NULL_FIELDS_KEY]: "description,lastCrawledAt",
    });
  });

  it("keeps falsy values that are not null", () => {
    expect(hideNulls({ description: "", lastCrawledAt: 0, flag: false }, placeholders)).toEqual({
      description: "",
      lastCrawledAt: 0,
      flag: false,
      [NULL_FIELDS_KEY]: "",
    });
  });

  it("round-trips nulls and the falsy values that look like placeholders", () => {
    const withNulls = { title: "t", description: null, lastCrawledAt: null };
    const withFalsy = { title: "t", description: "", lastCrawledAt: 0 };
    expect(restoreNulls(hideNulls(withNulls, placeholders))).toEqual(withNulls);
    expect(restoreNulls(hideNulls(withFalsy, placeholders))).toEqual(withFalsy);
  });

  it("leaves metadata it did not write alone, so validation can reject it", () => {
    expect(restoreNulls({ a: 1 })).toEqual({ a: 1 });
  });
});
