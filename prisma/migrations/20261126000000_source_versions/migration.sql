-- CreateTable
CREATE TABLE "source_versions" (
    "id" SMALLINT NOT NULL,
    "version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "source_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "source_version_bumps" (
    "txid" BIGINT NOT NULL,

    CONSTRAINT "source_version_bumps_pkey" PRIMARY KEY ("txid")
);

-- The one row. Cached source reads are tagged with the version read before their query ran and
-- reused only while a fresh read of it finds the same value (packages/db/src/read-cache.ts).
INSERT INTO "source_versions" ("id", "version") VALUES (1, 0);

-- Replaces the notify-only trigger. Every statement that changed at least one row of `sources`
-- (or truncated it) marks its transaction in `source_version_bumps` and notifies
-- `kmcp_sources_changed`; statements that changed no rows (an UPDATE matching nothing, an
-- INSERT ... ON CONFLICT DO UPDATE ... WHERE that held for none) do neither: each trigger sees
-- the rows it covers as the transition table `changed`.
DROP TRIGGER "sources_notify_changed" ON "sources";
DROP FUNCTION "kmcp_notify_sources_changed"();

CREATE FUNCTION "kmcp_sources_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'TRUNCATE' THEN
    IF NOT EXISTS (SELECT 1 FROM changed) THEN
      RETURN NULL;
    END IF;
  END IF;
  INSERT INTO "source_version_bumps" ("txid") VALUES (pg_current_xact_id()::text::bigint) ON CONFLICT DO NOTHING;
  PERFORM pg_notify('kmcp_sources_changed', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "sources_changed_insert" AFTER INSERT ON "sources"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "kmcp_sources_changed"();
CREATE TRIGGER "sources_changed_update" AFTER UPDATE ON "sources"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "kmcp_sources_changed"();
CREATE TRIGGER "sources_changed_delete" AFTER DELETE ON "sources"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "kmcp_sources_changed"();
CREATE TRIGGER "sources_changed_truncate" AFTER TRUNCATE ON "sources"
  FOR EACH STATEMENT EXECUTE FUNCTION "kmcp_sources_changed"();

-- The version moves once per transaction, at COMMIT (a deferred trigger), in the writer's
-- transaction: readers see the new version exactly when they can see the rows it stands for.
-- Bumping at COMMIT rather than at the write keeps the version row's lock out of open
-- transactions, so writers of `sources` do not wait for one another until they commit.
CREATE FUNCTION "kmcp_bump_source_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "source_versions" SET "version" = "version" + 1 WHERE "id" = 1;
  DELETE FROM "source_version_bumps" WHERE "txid" = NEW."txid";
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER "source_version_bump" AFTER INSERT ON "source_version_bumps"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "kmcp_bump_source_version"();
