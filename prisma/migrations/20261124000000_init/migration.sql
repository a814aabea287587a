-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "SourceType" AS ENUM ('website', 'documentation', 'standards_body', 'blog', 'repository');

-- CreateEnum
CREATE TYPE "SourceStatus" AS ENUM ('pending', 'active', 'failed', 'archived');

-- CreateEnum
CREATE TYPE "AuthorityTier" AS ENUM ('tier_1_canonical', 'tier_2_trusted', 'tier_3_community');

-- CreateEnum
CREATE TYPE "RequestStatus" AS ENUM ('pending', 'approved', 'rejected', 'completed');

-- CreateTable
CREATE TABLE "sources" (
    "id" UUID NOT NULL,
    "url" TEXT COLLATE "C" NOT NULL,
    "title" TEXT NOT NULL,
    "source_type" "SourceType" NOT NULL,
    "status" "SourceStatus" NOT NULL DEFAULT 'pending',
    "authority_tier" "AuthorityTier" NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "last_crawled_at" TIMESTAMPTZ(3),
    "change_txid" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "sources_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "source_tombstones" (
    "source_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "deleted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "change_txid" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "source_tombstones_pkey" PRIMARY KEY ("source_id")
);

-- CreateTable
CREATE TABLE "acquisition_requests" (
    "id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "priority" SMALLINT NOT NULL DEFAULT 3,
    "status" "RequestStatus" NOT NULL DEFAULT 'pending',
    "requested_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "processed_at" TIMESTAMPTZ(3),
    "source_id" UUID,

    CONSTRAINT "acquisition_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "sources_url_key" ON "sources"("url");

-- CreateIndex
CREATE INDEX "sources_change_txid_id_idx" ON "sources"("change_txid", "id");

-- CreateIndex
CREATE INDEX "sources_source_type_authority_tier_status_idx" ON "sources"("source_type", "authority_tier", "status");

-- CreateIndex
CREATE INDEX "source_tombstones_change_txid_source_id_idx" ON "source_tombstones"("change_txid", "source_id");

-- CreateIndex
CREATE INDEX "acquisition_requests_status_created_at_idx" ON "acquisition_requests"("status", "created_at");

-- AddForeignKey
ALTER TABLE "acquisition_requests" ADD CONSTRAINT "acquisition_requests_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Change feed (see packages/db/README.md): every write stamps the id of the transaction that
-- made it, and deleting a source leaves a tombstone, so a sync can read what changed since
-- its checkpoint without ever skipping a change that commits late.
CREATE FUNCTION "kmcp_stamp_change_txid"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.change_txid := pg_current_xact_id()::text::bigint;
  RETURN NEW;
END
$$;

CREATE TRIGGER "sources_stamp_change_txid" BEFORE INSERT OR UPDATE ON "sources"
  FOR EACH ROW EXECUTE FUNCTION "kmcp_stamp_change_txid"();

CREATE TRIGGER "source_tombstones_stamp_change_txid" BEFORE INSERT OR UPDATE ON "source_tombstones"
  FOR EACH ROW EXECUTE FUNCTION "kmcp_stamp_change_txid"();

CREATE FUNCTION "kmcp_track_source_tombstone"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO "source_tombstones" ("source_id", "url") VALUES (OLD.id, OLD.url)
      ON CONFLICT ("source_id") DO UPDATE SET "url" = EXCLUDED."url", "deleted_at" = CURRENT_TIMESTAMP;
    RETURN OLD;
  END IF;
  -- A source that comes back under the same id is live again.
  DELETE FROM "source_tombstones" WHERE "source_id" = NEW.id;
  RETURN NEW;
END
$$;

CREATE TRIGGER "sources_track_tombstone" AFTER INSERT OR DELETE ON "sources"
  FOR EACH ROW EXECUTE FUNCTION "kmcp_track_source_tombstone"();
