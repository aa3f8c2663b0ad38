#!/usr/bin/env bash
# Runs one command with a radosgw started for it, and stops the radosgw afterwards, whatever
# the command's outcome. The command finds the server in AIRLOCK_TEST_S3_ENDPOINT,
# AIRLOCK_TEST_S3_ACCESS_KEY and AIRLOCK_TEST_S3_SECRET_KEY (what test/support/radosgw.ts reads).
#
#   run-with.sh node scripts/run-tests.js
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
folder=$(mktemp -d "${TMPDIR:-/tmp}/airlock-radosgw-XXXXXX")
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
access_key="AIRLOCK$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n' | tr a-f A-F)"
secret_key=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')

trap '"$here/stop.sh" "$folder" --clean' EXIT
"$here/start.sh" "$folder" "$port" "$access_key" "$secret_key" >&2 || exit 1

AIRLOCK_TEST_S3_ENDPOINT="http://127.0.0.1:$port" \
AIRLOCK_TEST_S3_ACCESS_KEY="$access_key" \
AIRLOCK_TEST_S3_SECRET_KEY="$secret_key" \
  "$@"
