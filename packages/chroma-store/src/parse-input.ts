import { inputParser } from "@kmcp/core";
import { ChromaStoreError } from "./errors.js";

/** `value` parsed by `schema`, or ChromaStoreError `VALIDATION` naming each failing path (never echoing values). */
export const parseInput = inputParser((message, data) => new ChromaStoreError("VALIDATION", message, { data }));
