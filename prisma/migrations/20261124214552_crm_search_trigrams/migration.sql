-- pg_trgm: trigram similarity (contact suggestions) and indexed substring search (ILIKE).
-- Written by hand: schema.prisma does not declare extensions (see the note there). pg_trgm is a
-- trusted extension, so the database owner can create it without superuser rights.
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateIndex
CREATE INDEX "Company_trgm_idx" ON "Company" USING GIN ("name" gin_trgm_ops, "domain" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Contact_trgm_idx" ON "Contact" USING GIN ("firstName" gin_trgm_ops, "lastName" gin_trgm_ops, "email" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Request_title_trgm_idx" ON "Request" USING GIN ("title" gin_trgm_ops);
