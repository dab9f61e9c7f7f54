#!/usr/bin/env bash
# The README's test command: install what is missing, then run every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure.sh
exec node scripts/test-all.mjs "$@"
