#!/usr/bin/env bash
# Mutation-tests one source file (or a few) against the tests beside it, keeping that file's
# incremental results and report apart from the full run's (so several can run side by side):
#   scripts/mutation/one.sh <name> '<tests glob> [<glob>...]' <file to mutate>[,<file>...] [stryker options]
# (files to mutate are separated by commas, so no {a,b} braces there; test globs by spaces)
# e.g. scripts/mutation/one.sh retry 'packages/core/src/middleware/retry*.test.ts' packages/core/src/middleware/retry.ts
set -euo pipefail
name="$1" tests="$2" mutate="$3"
shift 3
out="reports/mutation/by-file"
mkdir -p "$out"
KEEL_MUTATION_TESTS="$tests" KEEL_MUTATION_REPORT="$out/$name" npx stryker run scripts/mutation/stryker.config.mjs \
  --mutate "$mutate" --incrementalFile "$out/$name.incremental.json" "$@"
node scripts/mutation/survivors.mjs "$out/$name.json"
