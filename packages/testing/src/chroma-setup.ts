/**
 * vitest globalSetup: one real Chroma server for a package's whole test run.
 * Tests isolate themselves with uniqueCollectionPrefix() (./chroma.ts) instead of wiping it.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startLocalChroma } from "@kmcp/local-servers";
import type { TestProject } from "vitest/node";
// Brings in the `chromaUrl` entry of vitest's ProvidedContext.
import type {} from "./chroma.js";

export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(path.join(tmpdir(), "kmcp-test-chroma-"));
  const server = await startLocalChroma({ dataDir });
  project.provide("chromaUrl", server.url);
  return async () => {
    await server.destroy();
  };
}
