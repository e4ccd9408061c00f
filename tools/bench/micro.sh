#!/usr/bin/env bash
# BenchmarkDotNet micro-benchmarks of the per-event pure code: parsers, signature verification, the twin's apply.
# Usage: bash tools/bench/micro.sh [BenchmarkDotNet arguments, default: --filter '*' --job short]
# BENCH_SMOKE=1: every benchmark once, in process (--job dry --inProcess): seconds, and no figure to quote.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${BENCH_BUILT:-0}" != "1" ]; then dotnet build tools/bench/Micro -c Release -nologo -clp:ErrorsOnly >/dev/null; fi
cd tools/bench/Micro/bin/Release/net10.0
if [ "$#" -eq 0 ]; then
  if [ "${BENCH_SMOKE:-0}" = "1" ]; then set -- --filter '*' --job dry --inProcess; else set -- --filter '*' --job short; fi
fi
# BenchmarkDotNet writes its reports under the working directory; a smoke run leaves nothing behind.
if [ "${BENCH_SMOKE:-0}" = "1" ]; then artifacts="$(mktemp -d)"; trap 'rm -rf "$artifacts"' EXIT; set -- "$@" --artifacts "$artifacts"; fi
dotnet Micro.dll "$@"
