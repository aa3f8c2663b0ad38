#!/usr/bin/env bash
# Stops the cluster that start.sh made in FOLDER, in reverse order (radosgw, OSD, monitor), by
# the PIDs it recorded: other clusters on this machine are left alone. With --clean the folder
# is removed afterwards.
#
#   stop.sh FOLDER [--clean]
set -uo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 FOLDER [--clean]" >&2
  exit 2
fi
folder=$1
clean=${2:-}

stop_daemon() {
  local pid_file="$folder/run/$1.pid"
  [[ -f "$pid_file" ]] || return 0
  local pid
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    # A daemon that ignored TERM for ten seconds would keep its ports; end it for good.
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$pid_file"
}

stop_daemon client.rgw
stop_daemon osd.0
stop_daemon mon.a

if [[ "$clean" == "--clean" ]]; then
  rm -rf "$folder"
fi
