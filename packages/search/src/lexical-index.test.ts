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

  it("keeps only chunks holding the words of a phrase in sequence", () => {
    // "lockfile" holds both words, apart and in the other order; the search checks the exact text (holdsPhrases).
    expect(top("lockfile", ["frozen lockfile"])).toEqual(["pnpm"]);
    expect(top("lockfile", ["lockfile frozen"])).toEqual([]);
    expect(top("lockfile", ["frozen tokio"])).toEqual([]);
    expect(top("lockfile", ["frozen-lockfile"])).toEqual(["pnpm"]);
    expect(top("process", ["oom killer"])).toEqual(["aio"]);
    // Stop words are not index terms: "get the SIGKILL" is "get sigkill".
    expect(top("process", ["get the SIGKILL"])).toEqual(["aio"]);
  });

  it("keeps only chunks of the sources asked for", () => {
    expect(index.search("process", { limit: 5, source: (id) => id === "linux" }).map((h) => h.id).sort()).toEqual(["aio", "signals"]);
    expect(index.search("lockfile", { limit: 5, source: (id) => id === "linux" })).toEqual([]);
  });

  it("restores from its serialized database the same index, which can change again", () => {
    const restored = createLexicalIndex({}, index.serialize());
    expect(restored.ids().sort()).toEqual(chunks.map((c) => c.id).sort());
    expect(restored.search("frozen lockfile", { limit: 5 })).toEqual(index.search("frozen lockfile", { limit: 5 }));
    restored.remove(["pnpm"]);
    expect(restored.search("--frozen-lockfile", { limit: 5 }).map((h) => h.id)).toEqual(["lockfile"]);
    expect(index.has("pnpm")).toBe(true);
    expect(() => createLexicalIndex({}, new TextEncoder().encode('{"not": "a database"}'))).toThrow();
  });

  it("adds, replaces and removes chunks", () => {
    const small = createLexicalIndex();
    small.add(chunks.slice(0, 2));
    small.add([{ ...chunks[0]!, text: "now about tokio runtimes" }]);
    expect(small.size).toBe(2);
    expect(small.search("tokio", { limit: 5 }).map((h) => h.id)).toEqual(["esm"]);
    small.remove(["esm", "unknown"]);
    expect(small.ids()).toEqual(["esm-prose"]);
    // The source of each chunk it holds (search's vector candidates take theirs from here).
    expect(small.sourceIdsOf(["esm", "esm-prose", "unknown"])).toEqual(new Map([["esm-prose", chunks[1]!.sourceId]]));
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
