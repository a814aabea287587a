import { randomUUID } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startLocalChroma, type LocalChroma } from "@kmcp/local-servers";
import { inject } from "vitest";

// Declared here, beside inject(), so any program that uses these helpers sees it.
declare module "vitest" {
  export interface ProvidedContext {
    chromaUrl: string;
  }
}

/** URL of the Chroma server the package's globalSetup started (./chroma-setup.ts). */
export function sharedChromaUrl(): string {
  return inject("chromaUrl");
}

/** A collection-name prefix no other test uses, so tests can share one server. */
export function uniqueCollectionPrefix(label = "t"): string {
  return `${label}_${randomUUID().replaceAll("-", "").slice(0, 16)}_`;
}

/** A Chroma server of the test's own, for tests that stop, kill or restart it. Call destroy() when done. */
export async function startPrivateChroma(): Promise<LocalChroma> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "kmcp-test-chroma-"));
  return startLocalChroma({ dataDir });
}
