import type { UserConfig } from "vitest/config";
export declare function vitestConfig(options?: { globalSetup?: string[]; testTimeout?: number }): UserConfig;
