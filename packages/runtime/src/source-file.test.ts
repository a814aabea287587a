import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { detectSourceFileFormat, parseSourceFile, readSourceFile, type ParsedRow } from "./source-file.js";

async function streamed(text: string, format: "jsonl" | "csv"): Promise<ParsedRow[]> {
  const rows: ParsedRow[] = [];
  // Split mid-line and mid-field, as a file's chunks would be.
  const chunks = text.match(/[^]{1,7}/g) ?? [];
  for await (const row of readSourceFile(Readable.from(chunks.map((c) => Buffer.from(c))), format)) rows.push(row);
  return rows;
}

describe("parseSourceFile", () => {
  it("reads JSON Lines, skipping blank lines and keeping line numbers", () => {
    const text = '{"url":"https://a.test","title":"A"}\n\n{"url":"https://b.test"}\nnot json\n[1]\n';
    expect(parseSourceFile(text, "jsonl")).toEqual([
      { line: 1, data: { url: "https://a.test", title: "A" } },
      { line: 3, data: { url: "https://b.test" } },
      { line: 4, error: expect.stringContaining("invalid JSON") },
      { line: 5, error: "expected a JSON object" },
    ]);
  });

  it("reads CSV with a header, quotes, empty cells and multi-line fields", () => {
    const text = 'url,title,description\nhttps://a.test,"A, with comma",\nhttps://b.test,B,"two\nlines"\nhttps://c.test,C,plain\n';
    expect(parseSourceFile(text, "csv")).toEqual([
      { line: 2, data: { url: "https://a.test", title: "A, with comma" } },
      { line: 4, data: { url: "https://b.test", title: "B", description: "two\nlines" } },
      { line: 5, data: { url: "https://c.test", title: "C", description: "plain" } },
    ]);
  });

  it("reports CSV it cannot parse with a line", () => {
    const [row] = parseSourceFile('url,title\nhttps://a.test,"unterminated\n', "csv");
    expect(row).toMatchObject({ error: expect.stringContaining("invalid CSV") });
  });

  it("streams the same rows as it parses whole files, in both formats", async () => {
    const jsonl = '\uFEFF{"url":"https://a.test","title":"A"}\r\n\n{"url":"https://b.test"}\nnot json\n[1]';
    expect(await streamed(jsonl, "jsonl")).toEqual(parseSourceFile(jsonl.slice(1), "jsonl"));
    const csv = 'url,title,description\nhttps://a.test,"A, with comma",\nhttps://b.test,B,"two\nlines"\nhttps://c.test,C,plain\n';
    expect(await streamed(csv, "csv")).toEqual(parseSourceFile(csv, "csv"));
    const broken = 'url,title\nhttps://a.test,"unterminated\n';
    expect(await streamed(broken, "csv")).toEqual([{ line: expect.any(Number), error: expect.stringContaining("invalid CSV") }]);
  });

  it("tells the format from the name, else from the content", () => {
    expect(detectSourceFileFormat("x.csv", "{")).toBe("csv");
    expect(detectSourceFileFormat("x.jsonl", "url")).toBe("jsonl");
    expect(detectSourceFileFormat("x", ' {"a":1}')).toBe("jsonl");
    expect(detectSourceFileFormat("x", "url,title")).toBe("csv");
  });
});
