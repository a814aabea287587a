import { inputParser } from "@kmcp/core";
import { DbError } from "./errors.js";

/** Parses input with a schema, or throws DbError VALIDATION naming every bad field. */
export const parseInput = inputParser((message, data) => new DbError("VALIDATION", message, { data }));
