#!/usr/bin/env bash
# BenchmarkDotNet micro-benchmarks of the per-event pure code: parsers, signature verification, the twin's apply.
# Usage: bash tools/bench/micro.sh [BenchmarkDotNet arguments, default: --filter '*' --job short]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build tools/bench/Micro -c Release -nologo -clp:ErrorsOnly >/dev/null
cd tools/bench/Micro/bin/Release/net10.0
if [ "$#" -eq 0 ]; then set -- --filter '*' --job short; fi
dotnet Micro.dll "$@"
