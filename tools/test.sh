#!/usr/bin/env bash
# The test command: starts PostgreSQL and RabbitMQ on loopback (installing them when missing), builds,
# runs every test project, and ends with one line: `N passed, N failed[, N skipped]`.
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Schema").
set -uo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Release}"
results="$(mktemp -d /tmp/fleettwins-tests.XXXXXX)"
# Services of their own (directory, ports, node name), apart from any started by hand with tools/services.sh.
export FLEETTWINS_SERVICES_DIR=/tmp/fleettwins-test-services FLEETTWINS_PG_PORT=55433 FLEETTWINS_AMQP_PORT=55673 \
  FLEETTWINS_RABBITMQ_DIST_PORT=35673
bash tools/services.sh stop >/dev/null 2>&1 || true   # leftovers of an interrupted run

cleanup() { bash tools/services.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT

if ! services_env="$(bash tools/services.sh start)"; then
  echo "could not start PostgreSQL and RabbitMQ (see above)"
  echo "0 passed, 1 failed"
  exit 1
fi
eval "$services_env"

if ! dotnet build FleetTwins.sln -c "$configuration" -nologo -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

status=0
missing=0
for project in tests/*/*.csproj; do
  name="$(basename "$project" .csproj)"
  echo "== $name"
  if ! dotnet test "$project" -c "$configuration" --no-build --nologo \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"; then
    status=1
  fi
  if [ ! -f "$results/$name.trx" ]; then
    echo "$name produced no results (crashed?)"
    missing=$((missing + 1))
  fi
done

# Sum the counters of every TRX file: <Counters total=".." passed=".." failed=".." notExecuted=".." ...>
counter() { grep -ho "<Counters [^>]*" "$results"/*.trx 2>/dev/null | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*" | awk '{ s += $1 } END { print s + 0 }'; }
passed="$(counter passed)"; failed="$(counter failed)"; skipped="$(counter notExecuted)"
passed="${passed:-0}"; failed=$(( ${failed:-0} + missing )); skipped="${skipped:-0}"
if [ "$failed" -gt 0 ] || [ "$passed" -eq 0 ]; then status=1; fi

line="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then line="$line, $skipped skipped"; fi
echo "$line"
exit "$status"
