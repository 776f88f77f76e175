#!/usr/bin/env bash
# Builds the real pgvector extension from ../shared/vendor into this machine's PostgreSQL and
# enables it in the `test` database. pgvector is not packaged for PostgreSQL 15 here; this takes
# about 20 s the first time and is a no-op once the extension is installed. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
vendor="$(cd .. && pwd)/shared/vendor/pgvector-0.8.6"
pgver="$(ls /etc/postgresql | head -1)"
if [ ! -f "/usr/share/postgresql/$pgver/extension/vector.control" ]; then
  echo "== building pgvector from $vendor"
  if [ ! -x "/usr/lib/postgresql/$pgver/bin/pg_config" ] || [ ! -d "/usr/include/postgresql/$pgver/server" ]; then
    apt-get install -y -qq "postgresql-server-dev-$pgver" >/dev/null 2>&1 ||
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-server-dev-$pgver" >/dev/null)
  fi
  work="$(mktemp -d)"
  cp -r "$vendor" "$work/pgvector"
  make -C "$work/pgvector" -j2 >/dev/null 2>&1
  make -C "$work/pgvector" install >/dev/null 2>&1
  rm -rf "$work"
fi
PGOPTIONS='-c client_min_messages=warning' psql -q -h 127.0.0.1 -U postgres -d test -c 'CREATE EXTENSION IF NOT EXISTS vector' >/dev/null
echo "pgvector: ok"
