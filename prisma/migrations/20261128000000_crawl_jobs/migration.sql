-- CreateEnum
CREATE TYPE "CrawlJobStatus" AS ENUM ('running', 'stopped', 'completed');

-- CreateEnum
CREATE TYPE "CrawlPageStatus" AS ENUM ('pending', 'stored', 'unchanged', 'skipped', 'failed', 'gone');

-- CreateTable
CREATE TABLE "crawl_jobs" (
    "id" UUID NOT NULL,
    "source_id" UUID NOT NULL,
    "status" "CrawlJobStatus" NOT NULL DEFAULT 'running',
    "scope" JSONB NOT NULL,
    "stop_reason" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "crawl_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "crawl_pages" (
    "id" BIGSERIAL NOT NULL,
    "source_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "depth" INTEGER NOT NULL,
    "status" "CrawlPageStatus" NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "job_id" UUID,
    "final_url" TEXT,
    "title" TEXT,
    "content_hash" TEXT,
    "etag" TEXT,
    "last_modified" TEXT,
    "content_type" TEXT,
    "chunk_count" INTEGER NOT NULL DEFAULT 0,
    "discovered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "fetched_at" TIMESTAMPTZ(3),

    CONSTRAINT "crawl_pages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "crawl_jobs_source_id_started_at_idx" ON "crawl_jobs"("source_id", "started_at");

-- CreateIndex
CREATE INDEX "crawl_pages_source_id_job_id_idx" ON "crawl_pages"("source_id", "job_id");

-- CreateIndex
CREATE UNIQUE INDEX "crawl_pages_source_id_url_key" ON "crawl_pages"("source_id", "url");

-- AddForeignKey
ALTER TABLE "crawl_jobs" ADD CONSTRAINT "crawl_jobs_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "crawl_pages" ADD CONSTRAINT "crawl_pages_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

