import { tsupConfig } from "@kmcp/tooling/tsup";
import { defineConfig } from "tsup";

export default defineConfig(tsupConfig());
