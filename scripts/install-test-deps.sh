#!/usr/bin/env bash
# Installs the real programs the test suite drives: SFTP clients (OpenSSH, lftp, rclone, curl,
# paramiko), OpenSSH's own sftp-server for benchmarks, ssh-audit, and Ceph's radosgw as the S3
# server. Does nothing when all are present; needs root (or sudo) and Debian's apt otherwise.
set -euo pipefail

needed=()
have() { command -v "$1" >/dev/null 2>&1; }
have sftp || needed+=(openssh-client)
have ssh-keygen || needed+=(openssh-client)
[ -x /usr/lib/openssh/sftp-server ] || needed+=(openssh-sftp-server)
have lftp || needed+=(lftp)
have rclone || needed+=(rclone)
have curl || needed+=(curl)
have ssh-audit || needed+=(ssh-audit)
/usr/bin/python3 -c 'import paramiko' >/dev/null 2>&1 || needed+=(python3-paramiko)
have radosgw || needed+=(radosgw)
have ceph-mon || needed+=(ceph-mon)
have ceph-osd || needed+=(ceph-osd)

[ ${#needed[@]} -eq 0 ] && exit 0

echo "installing test programs: ${needed[*]}" >&2
sudo_if_needed=()
[ "$(id -u)" -eq 0 ] || sudo_if_needed=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_if_needed[@]}" apt-get update -qq
"${sudo_if_needed[@]}" apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${needed[@]}" | sort -u) >/dev/null
