export { charsetOf, detectDocumentKind, kindOfFileName, mediaType, sniffBytes } from "./detect.js";
export type { DetectInput, SniffedKind } from "./detect.js";
export { extractDocument } from "./extract.js";
export type { ExtractInput } from "./extract.js";
export { DEFAULT_MAX_DOCUMENT_BYTES, DOCUMENT_KINDS } from "./kinds.js";
export type { DocumentKind, Extracted, PageRange } from "./kinds.js";
export { locateChunks, pageLabel, pagesOfRange } from "./pages.js";
export { ExtractError, isExtractError } from "./errors.js";
export type { ExtractErrorCode } from "./errors.js";
