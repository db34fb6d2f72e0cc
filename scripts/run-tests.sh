#!/usr/bin/env bash
# Runs the suite. When PostgreSQL is installed here, starts it, makes a test role and
# database, and exports ASSIGN_TEST_PG_URL so every database test also runs on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${ASSIGN_TEST_PG_URL:-}" ] && command -v pg_ctlcluster >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
  pg_ctlcluster "$ver" main start 2>/dev/null || true
  for _ in $(seq 1 30); do su postgres -c "pg_isready -q" && break; sleep 1; done
  su postgres -c "psql -qtc \"SELECT 1 FROM pg_roles WHERE rolname='assign'\"" | grep -q 1 \
    || su postgres -c "psql -qc \"CREATE ROLE assign LOGIN SUPERUSER PASSWORD 'assign'\""
  su postgres -c "psql -qtc \"SELECT 1 FROM pg_database WHERE datname='assign_test'\"" | grep -q 1 \
    || su postgres -c "createdb -O assign assign_test"
  export ASSIGN_TEST_PG_URL="postgresql://assign:assign@127.0.0.1:5432/assign_test"
fi
if [ -n "${ASSIGN_TEST_PG_URL:-}" ]; then
  echo "database tests run on SQLite and on PostgreSQL ($ASSIGN_TEST_PG_URL)"
elif [ "${CI:-}" = "true" ]; then
  echo "CI must test PostgreSQL too, but no server could be started" >&2
  exit 1
else
  echo "PostgreSQL not available: database tests run on SQLite only"
fi
# Static checks first (seconds with a warm cache): ruff, the import contracts of
# pyproject.toml [tool.importlinter], mypy as configured in [tool.mypy].
.venv/bin/ruff check .
.venv/bin/lint-imports
.venv/bin/mypy
# Fuzzing (schemathesis, stateless and stateful) in a second run: deselect it with -m "not fuzz".
.venv/bin/python -m pytest -q -m "not fuzz" "$@"
exec .venv/bin/python -m pytest -q -m fuzz "$@"
