#!/usr/bin/env bash
# The README's main job: install what is missing, build the packages the page uses, then start
# the local stack and the playground page.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure.sh
npx -y pnpm@12.4.2 -r --filter "./packages/*" run build
exec node playground/server.mjs "$@"
