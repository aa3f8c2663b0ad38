#!/usr/bin/env bash
# Starts a one-node Ceph cluster (monitor, one OSD, radosgw) on 127.0.0.1 for tests and
# benchmarks, and creates one S3 user. Everything lives in FOLDER; stop.sh FOLDER ends it.
#
#   start.sh FOLDER PORT ACCESS_KEY SECRET_KEY
#
# Environment:
#   RADOSGW_OBJECTSTORE   memstore (default: data in RAM, lost at stop) or bluestore (a sparse
#                         file in FOLDER: the real write path, for benchmarks)
#   RADOSGW_STORE_BYTES   capacity of the store (default 4 GiB)
#   RADOSGW_TIMEOUT_S     how long to wait for each daemon (default 60)
#
# Ceph 16 has no stand-alone mode, so this is the smallest real cluster: one monitor, one OSD,
# pools of size one, every address on loopback, cephx kept on (radosgw hangs at start without it).
set -euo pipefail

if [[ $# -ne 4 ]]; then
  echo "usage: $0 FOLDER PORT ACCESS_KEY SECRET_KEY" >&2
  exit 2
fi
folder=$(mkdir -p "$1" && cd "$1" && pwd)
port=$2
access_key=$3
secret_key=$4
objectstore=${RADOSGW_OBJECTSTORE:-memstore}
store_bytes=${RADOSGW_STORE_BYTES:-$((4 * 1024 * 1024 * 1024))}
timeout_s=${RADOSGW_TIMEOUT_S:-60}

if [[ -e "$folder/ceph.conf" ]]; then
  echo "radosgw: $folder already holds a cluster; stop it and use an empty folder" >&2
  exit 1
fi

# A free loopback port for the monitor, chosen by the kernel so that clusters started side by
# side (other engineers, parallel test files) never collide.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
mon_port=$(free_port)
fsid=$(cat /proc/sys/kernel/random/uuid)
conf="$folder/ceph.conf"
keyring="$folder/keyring"
mkdir -p "$folder/run" "$folder/log" "$folder/mon" "$folder/osd/0" "$folder/rgw"

cat > "$conf" <<CONF
[global]
fsid = $fsid
mon_host = v2:127.0.0.1:$mon_port
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_msgr1 = false
auth_cluster_required = cephx
auth_service_required = cephx
auth_client_required = cephx
keyring = $keyring
run_dir = $folder/run
admin_socket = $folder/run/\$name.asok
pid_file = $folder/run/\$name.pid
log_file = $folder/log/\$name.log
crash_dir = $folder/crash
exporter_sock_dir = $folder/run
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
mon_allow_pool_size_one = true
mon_max_pg_per_osd = 1000
mon_warn_on_pool_no_redundancy = false
osd_crush_chooseleaf_type = 0

[mon]
mon_data = $folder/mon/\$name

[osd]
osd_data = $folder/osd/\$id
osd_objectstore = $objectstore
memstore_device_bytes = $store_bytes
bluestore_block_path = $folder/osd/\$id.block
bluestore_block_create = true
bluestore_block_size = $store_bytes
osd_max_object_size = 1073741824

[client.rgw]
rgw_frontends = beast endpoint=127.0.0.1:$port
rgw_data = $folder/rgw
rgw_dns_name = 127.0.0.1
CONF

# A start that fails midway stops whatever it had started, so no daemon outlives it.
trap '"$(dirname "$0")/stop.sh" "$folder"' EXIT

ceph_cli() { ceph -c "$conf" -n client.admin --connect-timeout 10 "$@"; }

wait_for() {
  local what=$1; shift
  local deadline=$((SECONDS + timeout_s))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "radosgw: $what did not come up within ${timeout_s}s; logs in $folder/log" >&2
      exit 1
    fi
    sleep 0.5
  done
}

ceph-authtool --create-keyring "$keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$keyring" --gen-key -n client.admin \
  --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
ceph-authtool "$keyring" --gen-key -n osd.0 \
  --cap mon 'allow profile osd' --cap osd 'allow *' --cap mgr 'allow profile osd' >/dev/null
ceph-authtool "$keyring" --gen-key -n client.rgw \
  --cap mon 'allow rw' --cap osd 'allow rwx' >/dev/null
monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$folder/monmap" >/dev/null

ceph-mon -c "$conf" -i a --mkfs --monmap "$folder/monmap" --keyring "$keyring" >>"$folder/log/daemons.out" 2>&1
ceph-mon -c "$conf" -i a >>"$folder/log/daemons.out" 2>&1
wait_for "the monitor" ceph_cli mon stat

osd_id=$(ceph_cli osd create)
ceph-osd -c "$conf" -i "$osd_id" --mkfs --mkkey >>"$folder/log/daemons.out" 2>&1
ceph-osd -c "$conf" -i "$osd_id" >>"$folder/log/daemons.out" 2>&1
osd_is_up() { ceph_cli osd stat | grep -q ' 1 up'; }
wait_for "the OSD" osd_is_up

radosgw -c "$conf" -n client.rgw >>"$folder/log/daemons.out" 2>&1
wait_for "radosgw" curl -sf -o /dev/null "http://127.0.0.1:$port/"

radosgw-admin -c "$conf" -n client.admin user create --uid=airlock-test \
  --display-name="Airlock test" --access-key="$access_key" --secret="$secret_key" >/dev/null

trap - EXIT
echo "radosgw: http://127.0.0.1:$port ready (folder $folder, $objectstore)"
