#!/bin/sh
# Stand-in for Prisma's native schema-engine binary, which cannot be downloaded here.
# `prisma generate` only checks that this file exists; it never runs it.
# Migrations use Prisma's WASM schema engine instead (api/src/db/schema-engine.ts).
echo "no native schema engine: use 'pnpm db:migrate' / 'pnpm db:migration'" >&2
exit 1
