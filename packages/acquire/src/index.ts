export { ACCEPTED_CONTENT_TYPES, DEFAULT_MAX_BYTES, DEFAULT_USER_AGENT, fetchDocument, ROBOTS_AGENT } from "./fetch-document.js";
export type { FetchOptions, FetchResult, HostLookup } from "./fetch-document.js";
export { forbiddenAddressReason, ipLiteral } from "./address.js";
export { nextHop } from "./redirects.js";
export type { RedirectDecision } from "./redirects.js";
export { RobotsCache, robotsAllow } from "./robots.js";
export type { RobotsRules } from "./robots.js";
export { AcquireError, isAcquireError } from "./errors.js";
export type { AcquireErrorCode } from "./errors.js";
