import { DbError } from "./errors.js";
import type { RequestStatus } from "@kmcp/core";

/** The approval workflow: the only moves a request can make. */
export const REQUEST_TRANSITIONS: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = {
  pending: ["approved", "rejected"],
  approved: ["completed"],
  rejected: [],
  completed: [],
};

/** The status a request must be in to move to `to`. */
export function requiredStatusFor(to: RequestStatus): RequestStatus | undefined {
  return (Object.keys(REQUEST_TRANSITIONS) as RequestStatus[]).find((from) => REQUEST_TRANSITIONS[from].includes(to));
}

/** @throws DbError INVALID_TRANSITION unless `from` → `to` is allowed. */
export function assertTransition(id: string, from: RequestStatus, to: RequestStatus): void {
  if (REQUEST_TRANSITIONS[from].includes(to)) return;
  const allowed = REQUEST_TRANSITIONS[from];
  throw new DbError(
    "INVALID_TRANSITION",
    `Request ${id} is ${from} and cannot become ${to}; ${allowed.length ? `it can only become ${allowed.join(" or ")}` : "it is final"}.`,
    { data: { id, from, to } },
  );
}
