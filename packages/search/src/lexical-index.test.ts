import { describe, expect, it } from "vitest";
import { createLexicalIndex } from "./lexical-index.js";
import { holdsPhrases, parseQuery } from "./parse-query.js";

const chunks = [
  { id: "esm", sourceId: "node", headingPath: ["Errors"], text: "Requiring an ES module throws ERR_REQUIRE_ESM; use import() instead." },
  { id: "esm-prose", sourceId: "node", headingPath: ["Modules"], text: "An error is thrown when you require an ESM module from CommonJS code in older versions." },
  { id: "pnpm", sourceId: "pnpm", headingPath: ["CI"], text: "In CI, install with pnpm install --frozen-lockfile so the lockfile is never rewritten." },
  { id: "lockfile", sourceId: "pnpm", headingPath: ["Lockfile"], text: "The lockfile records resolved versions; frozen installs fail when it is out of date." },
  { id: "aio", sourceId: "linux", headingPath: ["AIO"], text: "io_submit queues asynchronous I/O requests; the process may get SIGKILL from the OOM killer." },
  { id: "signals", sourceId: "linux", headingPath: ["Signals"], text: "Signals such as kill and term stop a process; a killed process cannot clean up." },
];

describe("lexical index", () => {
  const index = createLexicalIndex();
  index.add(chunks);
  const top = (query: string, phrases: string[] = []) => index.search(query, { limit: 3, phrases }).map((h) => h.id);

  it.each([
    ["ERR_REQUIRE_ESM", "esm"],
    ["--frozen-lockfile", "pnpm"],
    ["io_submit", "aio"],
    ["SIGKILL", "aio"],
    ["err_require_esm", "esm"],
  ])("finds the identifier %s exactly", (query, id) => {
    expect(top(query)[0]).toBe(id);
  });

  it("finds words inside identifiers as words", () => {
    expect(top("frozen lockfile")).toContain("pnpm");
  });

  it("keeps only chunks holding every word of a phrase", () => {
    // Word order is checked on the text by the search (holdsPhrases); the index checks the words.
    expect(top("lockfile", ["frozen lockfile"]).sort()).toEqual(["lockfile", "pnpm"]);
    expect(top("lockfile", ["frozen tokio"])).toEqual([]);
    expect(top("lockfile", ["frozen-lockfile"])).toEqual(["pnpm"]);
    expect(top("process", ["oom killer"])).toEqual(["aio"]);
  });

  it("adds, replaces and removes chunks", () => {
    const small = createLexicalIndex();
    small.add(chunks.slice(0, 2));
    small.add([{ ...chunks[0]!, text: "now about tokio runtimes" }]);
    expect(small.size).toBe(2);
    expect(small.search("tokio", { limit: 5 }).map((h) => h.id)).toEqual(["esm"]);
    small.remove(["esm", "unknown"]);
    expect(small.ids()).toEqual(["esm-prose"]);
    expect(small.search("tokio", { limit: 5 })).toEqual([]);
  });
});

describe("quoted phrases", () => {
  it("parses phrases and checks them on the text, ignoring case and white space", () => {
    expect(parseQuery('install "Frozen  Lockfile" now')).toEqual({ text: "install Frozen Lockfile now", phrases: ["frozen lockfile"] });
    expect(holdsPhrases("a FROZEN\nlockfile here", ["frozen lockfile"])).toBe(true);
    expect(holdsPhrases("lockfile frozen", ["frozen lockfile"])).toBe(false);
  });
});
