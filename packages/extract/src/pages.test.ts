import { describe, expect, it } from "vitest";
import { locateChunks, pageLabel, pagesOfRange } from "./pages.js";

describe("page helpers", () => {
  const pages = [
    { page: 1, start: 0, end: 10 },
    { page: 2, start: 12, end: 20 },
    { page: 3, start: 22, end: 40 },
  ];
  it.each([
    [0, 5, [1]],
    [5, 15, [1, 2]],
    [10, 12, []],
    [13, 30, [2, 3]],
    [0, 40, [1, 2, 3]],
  ])("range %i-%i is on pages %j", (start, end, expected) => {
    expect(pagesOfRange(pages, start, end)).toEqual(expected);
  });
  it.each([
    [[], null],
    [[3], "3"],
    [[3, 4], "3-4"],
    [[2, 3, 5], "2-5"],
  ])("labels %j as %s", (input, expected) => {
    expect(pageLabel(input)).toBe(expected);
  });
  it("finds overlapping chunks in order, and null for text it cannot find", () => {
    const text = "alpha beta\n\ngamma delta\n\nepsilon";
    expect(locateChunks(text, ["alpha beta\n\ngamma delta", "gamma delta\n\nepsilon", "zeta"])).toEqual([
      { start: 0, end: 23 },
      { start: 12, end: 32 },
      null,
    ]);
  });
});

describe("locateChunks with repeated text", () => {
  it("places a chunk whose first line repeats on every page next to its last line", () => {
    const text = ["p1 intro. read on.", "p2 body. read on.", "p3 quokka. read on."].join("\n\n");
    const [, , third] = locateChunks(text, ["p1 intro. read on.", "read on.\n\np2 body. read on.", "read on.\n\np3 quokka. read on."]);
    expect(text.slice(third!.start, third!.end)).toBe("read on.\n\np3 quokka. read on.");
  });
});
