-- Long-running processes cache source reads and drop them on this notification (see
-- packages/db/src/change-listener.ts). Statement-level, so a bulk write notifies once; NOTIFY is
-- delivered on commit only, and repeats within one transaction are folded into one.
CREATE FUNCTION "kmcp_notify_sources_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('kmcp_sources_changed', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "sources_notify_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "sources"
  FOR EACH STATEMENT EXECUTE FUNCTION "kmcp_notify_sources_changed"();
