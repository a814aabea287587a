import { inputParser } from "@kmcp/core";
import { SearchError } from "./errors.js";

/** `value` parsed by `schema`, or SearchError `VALIDATION` naming each failing path (never echoing values). */
export const parseInput = inputParser((message, data) => new SearchError("VALIDATION", message, { data }));
