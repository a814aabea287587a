import { describe, expect, it } from "vitest";
import { excerpt, wrap } from "./search.js";

describe("excerpt", () => {
  it("puts the text on one line and cuts it at a word, marking the cut", () => {
    expect(excerpt("  a\n\nb\tc  ", 300)).toBe("a b c");
    const long = "word ".repeat(100);
    const cut = excerpt(long, 30);
    expect(cut).toBe("word word word word word word…");
    expect(cut.length).toBeLessThanOrEqual(31);
  });

  it("cuts a single long word where it must", () => {
    expect(excerpt("x".repeat(50), 10)).toBe(`${"x".repeat(10)}…`);
  });
});

describe("wrap", () => {
  it("fills lines up to the width, a longer word on its own line", () => {
    expect(wrap("aa bb cc dd", 5)).toEqual(["aa bb", "cc dd"]);
    expect(wrap("a verylongword b", 4)).toEqual(["a", "verylongword", "b"]);
    expect(wrap("", 10)).toEqual([]);
  });
});
