-- Channel names are unique regardless of case ("Sales" and "sales" are one channel to a person).
-- Written by hand: schema.prisma cannot declare an index on an expression. The service checks
-- first for a friendly CONFLICT; this index decides when two admins write at the same moment.

-- Spellings that slipped in through that race before: the later ones get " (2)", " (3)"…
UPDATE "Channel" AS c
SET "name" = c."name" || ' (' || (d.n + 1) || ')'
FROM (SELECT id, row_number() OVER (PARTITION BY lower("name") ORDER BY "createdAt", id) - 1 AS n FROM "Channel") AS d
WHERE c.id = d.id AND d.n > 0;

-- CreateIndex
CREATE UNIQUE INDEX "Channel_name_lower_key" ON "Channel" (lower("name"));
