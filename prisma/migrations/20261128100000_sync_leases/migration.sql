-- One sync of a mirror at a time across every process on this database (packages/db/src/sync-lease.ts).
-- A row with a time-to-live, not an advisory lock: it works through a transaction-mode pooler (no
-- session to hold), names its holder for `kmcp sync status`, and a dead holder's lease lapses after
-- its time-to-live whatever happened to its connection.

-- CreateTable
CREATE TABLE "sync_leases" (
    "name" TEXT NOT NULL,
    "holder_id" TEXT,
    "holder" TEXT,
    "token" BIGINT NOT NULL DEFAULT 0,
    "acquired_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "sync_leases_pkey" PRIMARY KEY ("name")
);
