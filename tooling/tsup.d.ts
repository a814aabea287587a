import type { Options } from "tsup";
export declare function tsupConfig(overrides?: Options): Options;
