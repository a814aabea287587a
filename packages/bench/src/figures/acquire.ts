import { createServer } from "node:http";
import { createChromaStore } from "@kmcp/chroma-store";
import { silentLogger } from "@kmcp/core";
import { createDb } from "@kmcp/db";
import { ACQUIRE_STEPS, createAcquire, type AcquireStep } from "@kmcp/runtime";
import { createIngester, createLocalEmbedder } from "@kmcp/search";
import { createSyncManager } from "@kmcp/sync-core";
import { makePdf } from "@kmcp/testing/documents";
import { closeServer, listenOnLoopback } from "@kmcp/testing/http";
import type { Figure, Measurement } from "../report.js";
import { median, p95, round } from "../stats.js";
import { pdfPages } from "./ingest-documents.js";
import { random } from "./search.js";

const ETAG = '"bench-manual-v1"';

/**
 * Acquiring a generated `pageCount`-page PDF from a server on 127.0.0.1 (allowPrivate), `reps`
 * times at new urls (each a new source), then re-acquiring one of them `reps` times: a 304, no writes.
 */
export async function measureAcquire(options: { url: string; chromaUrl: string; pageCount: number; reps: number }): Promise<Required<Pick<Figure, "measurements" | "ratios" | "notes">>> {
  const { url, chromaUrl, pageCount, reps } = options;
  const pdf = await makePdf(pdfPages(random(20260215), pageCount), { title: "Operations manual" });
  const statuses: number[] = [];
  const server = createServer((request, response) => {
    const status = request.url === "/robots.txt" ? 404 : request.headers["if-none-match"] === ETAG ? 304 : 200;
    statuses.push(status);
    if (status !== 200) return void response.writeHead(status, { etag: ETAG }).end();
    response.writeHead(200, { "content-type": "application/pdf", "content-length": pdf.byteLength, etag: ETAG }).end(pdf);
  });
  const base = await listenOnLoopback(server);
  const db = createDb({ url });
  await db.migrate();
  const store = createChromaStore({ url: chromaUrl, collectionPrefix: "bench_acquire_", requestTimeoutMs: 120_000 });
  const sync = createSyncManager({ db, store });
  try {
    const ingester = createIngester({ db, store, embedder: createLocalEmbedder() });
    const acquire = createAcquire({ db, store, ingester, sync, logger: silentLogger, allowPrivate: true });
    const steps = new Map<AcquireStep, number[]>(ACQUIRE_STEPS.map((s) => [s, []]));
    const first: number[] = [];
    let chunks = 0;
    for (let i = 0; i < reps; i++) {
      let last = performance.now();
      const started = last;
      const onStep = (step: AcquireStep) => {
        steps.get(step)!.push(performance.now() - last);
        last = performance.now();
      };
      const result = await acquire(`${base}/manual-${i}.pdf`, { onStep });
      first.push(performance.now() - started);
      if (result.outcome !== "added" || result.kind !== "pdf") throw new Error(`acquire ${i} is off: ${result.outcome} ${result.kind}`);
      chunks = result.chunks;
    }

    const target = `${base}/manual-0.pdf`;
    const before = { chunks: await store.chunks.count(), source: await db.sources.get(target) };
    const served = statuses.length;
    const again: number[] = [];
    for (let i = 0; i < reps; i++) {
      const started = performance.now();
      const result = await acquire(target);
      again.push(performance.now() - started);
      if (result.outcome !== "not_modified") throw new Error(`re-acquire ${i} was not a 304: ${result.outcome}`);
    }
    const after = { chunks: await store.chunks.count(), source: await db.sources.get(target) };
    const wrote = after.chunks !== before.chunks || after.source?.updatedAt.getTime() !== before.source?.updatedAt.getTime();
    const answers = statuses.slice(served);
    const all304 = answers.filter((s) => s !== 404).every((s) => s === 304);

    const workload = `${pageCount}-page PDF, ${Math.round(pdf.byteLength / 1024)} KiB, ${chunks} chunks`;
    const measurements: Measurement[] = [
      { label: "acquire (fetch + extract + ingest + sync), new url", workload, reps, median: median(first), p95: p95(first), unit: "ms" },
      { label: "re-acquire, unchanged (conditional GET → 304, no writes)", workload, reps, median: median(again), p95: p95(again), unit: "ms" },
    ];
    const phase = (step: AcquireStep) => `${step === "fetched" ? "fetch" : step.replace(/ed$/, "")} ${median(steps.get(step)!).toFixed(0)} ms`;
    return {
      measurements,
      ratios: [
        { label: "re-acquire / acquire (median)", value: round(median(again) / median(first)), target: "(reported)", met: true },
        { label: "re-acquire writes (chunks, source)", value: wrote ? 1 : 0, target: "0: a 304 writes nothing", met: !wrote && all304 },
      ],
      notes: [
        `Acquire: a node:http server on 127.0.0.1 serves the PDF with an ETag (allowPrivate: true); each timed acquire is a new url, so a new source; the database and collection start empty. Medians of the steps: ${ACQUIRE_STEPS.map(phase).join(", ")} (sync: making the new source searchable).`,
        `Re-acquire: the server answered ${answers.filter((s) => s === 304).length} conditional requests with 304 (and ${answers.filter((s) => s === 200).length} with 200); chunk count and the source's updatedAt were checked unchanged afterwards.`,
      ],
    };
  } finally {
    await sync.stop();
    await db.close();
    await closeServer(server);
  }
}
