// The `@kmcp/runtime/sync` entry point: the sync services alone (see openSyncServices).
export { openSyncServices } from "./sync-services.js";
export type { SyncServices } from "./sync-services.js";
