#!/usr/bin/env bash
# `prisma generate` without the native schema engine: Prisma 7's CLI insists on locating a
# schema-engine binary it cannot download here, but generate never runs it, so any executable stub will do.
set -euo pipefail
stub=$(mktemp)
trap 'rm -f "$stub"' EXIT
printf '#!/bin/sh\necho "schema engine stub: not available on this machine" >&2\nexit 1\n' >"$stub"
chmod +x "$stub"
PRISMA_SCHEMA_ENGINE_BINARY="$stub" exec npx --no-install prisma generate "$@"
