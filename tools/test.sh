#!/usr/bin/env bash
# The test command: starts PostgreSQL and RabbitMQ on loopback (installing them when missing), builds, runs every
# test project and a smoke run of every benchmark (tools/bench, BENCH_SMOKE=1), and ends with one line:
# `N passed, N failed[, N skipped]`. A project counts as failed — and is named — when `dotnet test` exits non-zero,
# when its results are missing or show an aborted run (a crashed test host), or when it reports no test at all.
# A test that runs past TEST_HANG_TIMEOUT (6m) fails its project's run, named.
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Schema"); the benchmarks then do not run.
# Before the tests, `dotnet format --verify-no-changes` checks the conventions of .editorconfig (one result, pass or fail).
# Services of their own: FLEETTWINS_SERVICES_DIR, FLEETTWINS_PG_PORT, FLEETTWINS_AMQP_PORT and
# FLEETTWINS_RABBITMQ_DIST_PORT when all four are set (several suites on one machine), else the defaults below.
#
# Three runs go side by side, each on a PostgreSQL and a RabbitMQ of its own, because most of the host tests' time is
# spent waiting on the hosts they start: (1) the format check, the other projects and the benchmarks' smoke runs;
# (2) the host tests (`+100` ports, `<dir>-host`); (3) the host tests that stop, kill and restart their services, one
# at a time (trait Services=exclusive, `+200` ports, `<dir>-exclusive`). A filtered run runs the host tests as one.
set -uo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Release}"
results="$(mktemp -d /tmp/fleettwins-tests.XXXXXX)"
# Apart from any started by hand with tools/services.sh (whose `start` exports FLEETTWINS_SERVICES_DIR alone).
if [ -z "${FLEETTWINS_SERVICES_DIR:-}" ] || [ -z "${FLEETTWINS_PG_PORT:-}" ] || [ -z "${FLEETTWINS_AMQP_PORT:-}" ] \
    || [ -z "${FLEETTWINS_RABBITMQ_DIST_PORT:-}" ]; then
  export FLEETTWINS_SERVICES_DIR=/tmp/fleettwins-test-services FLEETTWINS_PG_PORT=15433 FLEETTWINS_AMQP_PORT=15683 \
    FLEETTWINS_RABBITMQ_DIST_PORT=15693
fi
export FLEETTWINS_SERVICES_DIR FLEETTWINS_PG_PORT FLEETTWINS_AMQP_PORT FLEETTWINS_RABBITMQ_DIST_PORT
# The host tests' two sets of services: `track_env host|exclusive` sets their variables (ports 100 or 200 up, the
# directory with `-host` or `-exclusive`), `track_services host|exclusive <command>` runs tools/services.sh on them.
track_env() {
  local offset=100; [ "$1" = exclusive ] && offset=200
  export FLEETTWINS_SERVICES_DIR="$FLEETTWINS_SERVICES_DIR-$1" FLEETTWINS_PG_PORT=$((FLEETTWINS_PG_PORT + offset)) \
    FLEETTWINS_AMQP_PORT=$((FLEETTWINS_AMQP_PORT + offset)) FLEETTWINS_RABBITMQ_DIST_PORT=$((FLEETTWINS_RABBITMQ_DIST_PORT + offset))
}
track_services() { ( track_env "$1"; shift; bash tools/services.sh "$@" ); }
# Leftovers of an interrupted run.
bash tools/services.sh stop >/dev/null 2>&1 || true
for track in host exclusive; do track_services "$track" stop >/dev/null 2>&1 || true; done

beside_pids=()
cleanup() {
  for pid in "${beside_pids[@]}"; do pkill -P "$pid" 2>/dev/null; kill "$pid" 2>/dev/null || true; done
  bash tools/services.sh stop >/dev/null 2>&1 || true
  for track in host exclusive; do track_services "$track" stop >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

# The first start installs what is missing; the other two start beside the build.
if ! services_env="$(bash tools/services.sh start)"; then
  echo "could not start PostgreSQL and RabbitMQ (see above)"
  echo "0 passed, 1 failed"
  exit 1
fi
eval "$services_env"
track_services host start > "$results/services-host.env" 2> "$results/services-host.log" & host_services_pid=$!
track_services exclusive start > "$results/services-exclusive.env" 2> "$results/services-exclusive.log" & exclusive_services_pid=$!

if ! dotnet build FleetTwins.sln -c "$configuration" -nologo -clp:ErrorsOnly; then
  wait "$host_services_pid" "$exclusive_services_pid"   # started fully, so that the cleanup stops them
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

wait "$host_services_pid"; host_started=$?
wait "$exclusive_services_pid"; exclusive_started=$?
if [ "$host_started" -ne 0 ] || [ "$exclusive_started" -ne 0 ]; then
  cat "$results/services-host.log" "$results/services-exclusive.log"
  echo "could not start the host tests' PostgreSQL and RabbitMQ (see above)"
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0; failed=0; skipped=0
problems=()
filtered=0
if [ "$#" -gt 0 ]; then filtered=1; fi

# Runs one test project as <name>, its results in $results/<name>.trx. A test that runs longer than the hang timeout
# ends its project's run, named ("The test running when the crash occurred: ..."), instead of holding CI to its own limit.
run_project() {
  local name="$1" project="$2"; shift 2
  dotnet test "$project" -c "$configuration" --no-build --nologo \
    --blame-hang --blame-hang-timeout "${TEST_HANG_TIMEOUT:-6m}" --blame-hang-dump-type none \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
}

# Runs a project in the background on a track's services, its output kept for when it ends.
run_beside() {
  local track="$1" name="$2"; shift 2
  (
    track_env "$track"
    eval "$(cat "$results/services-$track.env")"
    run_project "$name" "$@"
  ) > "$results/$name.log" 2>&1 &
  beside_pids+=($!)
  beside_names+=("$name")
}

host=tests/FleetTwins.Host.Tests/FleetTwins.Host.Tests.csproj
beside_names=()
if [ "$filtered" -eq 0 ]; then
  run_beside host FleetTwins.Host.Tests "$host" --filter "Services!=exclusive"
  run_beside exclusive FleetTwins.Host.Tests.Exclusive "$host" --filter "Services=exclusive"
else
  run_beside host FleetTwins.Host.Tests "$host" "$@"
fi

# The conventions of .editorconfig (usings, namespaces, braces, naming, whitespace): `dotnet format` fixes what it reports.
# Not in a filtered run, whose count must come from the tests it selected.
if [ "$#" -eq 0 ]; then
  echo "== dotnet format --verify-no-changes"
  if dotnet format FleetTwins.sln --verify-no-changes --no-restore --severity warn -v q; then
    passed=$((passed + 1))
  else
    problems+=("dotnet format: files differ from .editorconfig's conventions (run: dotnet format FleetTwins.sln)")
    failed=$((failed + 1))
  fi
fi

# One counter of a TRX file's <Counters .../> element (0 when absent).
counter() { grep -o "<Counters [^>]*" "$1" | grep -o " $2=\"[0-9]*\"" | grep -o "[0-9]*" | head -n 1 || true; }

# Adds a project's results to the totals; records why it failed when its numbers cannot be trusted.
tally() {
  local name="$1" trx="$2" exit_code="$3" total executed p f outcome errors why=()
  if [ ! -f "$trx" ]; then
    problems+=("$name: no results (dotnet test exited $exit_code; the test host crashed or did not start)")
    failed=$((failed + 1))
    return
  fi
  total="$(counter "$trx" total)"; executed="$(counter "$trx" executed)"
  p="$(counter "$trx" passed)"; f="$(counter "$trx" failed)"
  total="${total:-0}"; executed="${executed:-0}"; p="${p:-0}"; f="${f:-0}"
  outcome="$(grep -o '<ResultSummary outcome="[A-Za-z]*"' "$trx" | sed -E 's/.*"(.*)"/\1/')"
  errors="$(grep -A1 '<RunInfo [^>]*outcome="Error"' "$trx" | grep -o '<Text>.*' | sed -E 's#</?Text>##g' | head -n 3)"
  for c in error timeout aborted; do
    if [ "$(counter "$trx" "$c")" != "0" ] && [ -n "$(counter "$trx" "$c")" ]; then why+=("$(counter "$trx" "$c") $c"); fi
  done
  if [ "$exit_code" -ne 0 ] && [ "$f" -eq 0 ]; then why+=("dotnet test exited $exit_code with no failed test"); fi
  if [ "$outcome" != "Completed" ] && [ "$f" -eq 0 ]; then why+=("the run ended '$outcome' with no failed test (aborted)"); fi
  if [ -n "$errors" ]; then why+=("the run reported errors: ${errors//$'\n'/ | }"); fi
  if [ "$executed" -ne $((p + f)) ]; then why+=("$executed tests ran but $((p + f)) have a result"); fi
  if [ "$total" -eq 0 ] && [ "$filtered" -eq 0 ]; then why+=("no tests were found"); fi
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + total - executed))
  if [ "${#why[@]}" -gt 0 ]; then
    problems+=("$name: $(printf '%s; ' "${why[@]}" | sed 's/; $//')")
    if [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
  fi
}

for project in tests/*/*.csproj; do
  [ "$project" = "$host" ] && continue
  name="$(basename "$project" .csproj)"
  echo "== $name"
  run_project "$name" "$project" "$@"
  tally "$name" "$results/$name.trx" "$?"
done

# Every benchmark starts and finishes at its smoke size (seconds each), on these services and this build, beside the
# host tests (their figures are noise here; that they run is what counts).
if [ "$filtered" -eq 0 ]; then
  for script in tools/bench/*.sh; do
    name="$(basename "$script" .sh)"
    [ "$name" = "services" ] && continue
    echo "== bench $name (BENCH_SMOKE=1)"
    log="$results/bench-$name.log"
    if BENCH_SMOKE=1 BENCH_BUILT=1 timeout 300 bash "$script" > "$log" 2>&1; then
      sed 's/^/  /' "$log"
      passed=$((passed + 1))
    else
      tail -n 30 "$log" | sed 's/^/  /'
      problems+=("bench $name: BENCH_SMOKE=1 bash $script failed (log above)")
      failed=$((failed + 1))
    fi
  done
fi

for i in "${!beside_pids[@]}"; do
  name="${beside_names[$i]}"
  echo "== $name (run beside the above)"
  wait "${beside_pids[$i]}"
  exit_code=$?
  cat "$results/$name.log"
  tally "$name" "$results/$name.trx" "$exit_code"
done
beside_pids=()

# A filtered run that matched nothing anywhere proves nothing.
if [ "$filtered" -eq 1 ] && [ "$((passed + failed + skipped))" -eq 0 ]; then
  problems+=("the filter matched no test in any project")
  failed=$((failed + 1))
fi

for problem in "${problems[@]}"; do echo "FAILED $problem"; done
status=0
if [ "$failed" -gt 0 ] || [ "$passed" -eq 0 ]; then status=1; fi
line="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then line="$line, $skipped skipped"; fi
echo "$line"
exit "$status"
