#!/usr/bin/env bash
# The README's main job: install what is missing, then start the local backend.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure.sh
exec node stack/src/cli.mjs "$@"
