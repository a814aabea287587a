import { writeFile } from "node:fs/promises";
import path from "node:path";
import { makePdf } from "@kmcp/testing/documents";
import { installPackedPackages, runInProject, workspacePackageDirs } from "@kmcp/testing/pack";
import { describe, expect, it } from "vitest";

// One packed install serves every test here: installing compiles a native addon, which takes minutes.
let installed: Promise<string> | null = null;
const packedInstall = () => (installed ??= workspacePackageDirs(["@kmcp/search"]).then(installPackedPackages));

describe("the published package", () => {
  it("ships the preparer's worker and the native keyword index: a packed install reads, chunks and embeds in worker threads, indexes and finds a chunk, then exits", async () => {
    const project = await packedInstall();
    const output = await runInProject(
      project,
      `
      import { writeFile } from "node:fs/promises";
      import { createLexicalIndex, createLocalEmbedder, createPreparer } from "@kmcp/search";
      const file = new URL("./page.html", import.meta.url).pathname;
      await writeFile(file, "<html><body><nav>Menu</nav><article><h1>Herons</h1><p>Herons eat fish at dawn, standing still in shallow water.</p></article></body></html>");
      const embedder = createLocalEmbedder();
      const preparer = createPreparer({ embedder, threads: 1 });
      const read = await preparer.read(file, "html");
      const [chunked] = await preparer.chunk([{ content: read.content, format: read.format, chunking: {}, label: "Herons" }]);
      const expected = await embedder.embed(["Herons > Herons\\n\\n" + chunked.pieces[0].text]);
      const failure = await preparer.read(file + ".missing", "html").catch((error) => error.name + " " + error.code);
      await preparer.close();
      // No process.exit: the script ending on its own shows the closed pool holds nothing open.
      // The keyword index is SQLite FTS5 through better-sqlite3, a native addon the install built.
      const index = createLexicalIndex();
      index.add([{ id: "c1", sourceId: "s1", text: chunked.pieces[0].text, headingPath: chunked.pieces[0].headingPath }]);
      const keyword = createLexicalIndex({}, index.serialize()).search("heron", { limit: 5 }).map((hit) => hit.id);
      console.log(JSON.stringify({ title: read.title, menu: read.content.includes("Menu"), chunks: chunked.pieces.length, same: JSON.stringify(chunked.vectors[0]) === JSON.stringify(expected[0]), failure, keyword }));
      `,
    );
    expect(JSON.parse(output)).toEqual({ title: "Herons", menu: false, chunks: 1, same: true, failure: "SearchError READ", keyword: ["c1"] });
  }, 1_500_000);

  it("ships PDFium's WebAssembly: a packed install reads a PDF's pages and title in two worker threads at once, then exits", async () => {
    const project = await packedInstall();
    for (const n of [1, 2]) {
      await writeFile(path.join(project, `manual-${n}.pdf`), await makePdf([[`Manual ${n} page one.`], [`Manual ${n} page two: the heron census.`]], { title: `Manual ${n}` }));
    }
    const output = await runInProject(
      project,
      `
      import { createLocalEmbedder, createPreparer } from "@kmcp/search";
      const preparer = createPreparer({ embedder: createLocalEmbedder(), threads: 2 });
      const files = [1, 2].map((n) => new URL("./manual-" + n + ".pdf", import.meta.url).pathname);
      const reads = await Promise.all(files.map((file) => preparer.read(file, "pdf")));
      await preparer.close();
      console.log(JSON.stringify(reads.map((read) => ({ title: read.title, pages: read.pages.map((range) => range.page), page2: read.content.slice(read.pages[1].start, read.pages[1].end) }))));
      `,
    );
    expect(JSON.parse(output)).toEqual([1, 2].map((n) => ({ title: `Manual ${n}`, pages: [1, 2], page2: `Manual ${n} page two: the heron census.` })));
  }, 1_500_000);
});
