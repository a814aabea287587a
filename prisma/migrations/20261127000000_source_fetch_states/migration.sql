-- CreateTable
CREATE TABLE "source_fetch_states" (
    "source_id" UUID NOT NULL,
    "final_url" TEXT,
    "etag" TEXT,
    "last_modified" TEXT,
    "content_type" TEXT,
    "failure_reason" TEXT,
    "fetched_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "source_fetch_states_pkey" PRIMARY KEY ("source_id")
);

-- AddForeignKey
ALTER TABLE "source_fetch_states" ADD CONSTRAINT "source_fetch_states_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

