"""Client compatibility scenarios with paramiko, printing one JSON object with what the client saw.

Usage: compat_paramiko.py HOST PORT KNOWN_HOSTS USER key KEYFILE SCENARIO [ARGS]
Run with Debian's /usr/bin/python3 (python3-paramiko). The winscp_* scenarios replay, request by
request, what WinSCP sends for an upload and for a resumed upload.
"""
import hashlib
import json
import os
import re
import sys

import paramiko
from paramiko.sftp import CMD_OPEN, SFTP_FLAG_CREATE, SFTP_FLAG_TRUNC, SFTP_FLAG_WRITE
from paramiko.sftp_attr import SFTPAttributes
from paramiko.sftp_file import SFTPFile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from paramiko_client import connect  # noqa: E402

WINSCP_BLOCK_BYTES = 32 * 1024
WINSCP_PIPELINE = 64
# The long-name grammar WinSCP and FileZilla parse: type and permissions, links, owner, group,
# size, month, day, time or year, name.
LONG_NAME = re.compile(
    r'^([-dl])([-rwxsStT]{9})\s+(\d+)\s+(\S+)\s+(\S+)\s+(\d+)\s+'
    r'(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{1,2})\s+(\d{1,2}:\d{2}|\d{4})\s+(.+)$'
)


def sha256_of(sftp, path):
    digest = hashlib.sha256()
    with sftp.open(path, 'rb') as handle:
        handle.prefetch()
        for block in iter(lambda: handle.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def put_confirmed(sftp, local, remote):
    """paramiko's put() stats the upload afterwards and raises if the size differs."""
    attributes = sftp.put(local, remote, confirm=True)
    return {'size': attributes.st_size, 'sha256': sha256_of(sftp, remote)}


def times_and_mode(sftp, remote, mtime):
    sftp.utime(remote, (int(mtime), int(mtime)))
    sftp.chmod(remote, 0o600)
    attributes = sftp.stat(remote)
    return {'mtime': attributes.st_mtime, 'atime': attributes.st_atime}


def seek_and_write(sftp, remote):
    """Writes a file, re-opens it for update (no truncate), overwrites bytes 100..109."""
    with sftp.open(remote, 'wb') as handle:
        handle.write(bytes(range(256)) * 4)
    with sftp.open(remote, 'r+b') as handle:
        handle.seek(100)
        handle.write(b'X' * 10)
    return {'size': sftp.stat(remote).st_size, 'sha256': sha256_of(sftp, remote)}


def open_raw(sftp, path, flags):
    """OPEN with exactly these pflags, as WinSCP sends them; paramiko's open() maps modes itself."""
    kind, message = sftp._request(CMD_OPEN, path, flags, SFTPAttributes())
    return SFTPFile(sftp, message.get_binary(), 'wb')


def pipelined_writes(handle, body, start):
    """WinSCP keeps up to 64 WRITEs of 32 KiB outstanding; paramiko's pipelined mode does the same."""
    handle.set_pipelined(True)
    handle.seek(start)
    for offset in range(start, len(body), WINSCP_BLOCK_BYTES):
        handle.write(body[offset:offset + WINSCP_BLOCK_BYTES])
    handle.close()


def finish_like_winscp(sftp, part, remote, mtime):
    """Stat and remove an existing target, rename the .filepart over it, set times and mode."""
    try:
        sftp.stat(remote)
        sftp.remove(remote)
        replaced = True
    except FileNotFoundError:
        replaced = False
    sftp.rename(part, remote)
    attributes = SFTPAttributes()
    attributes.st_atime = attributes.st_mtime = int(mtime)
    attributes.st_mode = 0o644
    sftp._request(paramiko.sftp.CMD_SETSTAT, remote, attributes)
    return replaced


def winscp_upload(sftp, local, remote, mtime):
    body = open(local, 'rb').read()
    part = remote + '.filepart'
    handle = open_raw(sftp, part, SFTP_FLAG_CREATE | SFTP_FLAG_TRUNC | SFTP_FLAG_WRITE)
    pipelined_writes(handle, body, 0)
    replaced = finish_like_winscp(sftp, part, remote, mtime)
    return {'replaced': replaced, 'mtime': sftp.stat(remote).st_mtime, 'sha256': sha256_of(sftp, remote)}


def winscp_resume(sftp, local, remote, mtime, partial_bytes):
    """A first attempt stops after PARTIAL_BYTES; the retry re-opens the .filepart without
    TRUNC or APPEND and writes from the size it finds."""
    body = open(local, 'rb').read()
    part = remote + '.filepart'
    first = open_raw(sftp, part, SFTP_FLAG_CREATE | SFTP_FLAG_TRUNC | SFTP_FLAG_WRITE)
    pipelined_writes(first, body[:int(partial_bytes)], 0)

    found = sftp.stat(part).st_size
    retry = open_raw(sftp, part, SFTP_FLAG_WRITE)
    pipelined_writes(retry, body, found)
    finish_like_winscp(sftp, part, remote, mtime)
    return {'resumedFrom': found, 'mtime': sftp.stat(remote).st_mtime, 'sha256': sha256_of(sftp, remote)}


def long_names(sftp, folder):
    entries = []
    for attributes in sftp.listdir_attr(folder):
        match = LONG_NAME.match(attributes.longname)
        entries.append({
            'filename': attributes.filename, 'longname': attributes.longname,
            'parsed': None if match is None else {
                'type': match.group(1), 'links': int(match.group(3)), 'size': int(match.group(6)),
                'month': match.group(7), 'day': int(match.group(8)), 'timeOrYear': match.group(9),
                'name': match.group(10),
            },
            'size': attributes.st_size, 'mtime': attributes.st_mtime,
        })
    return {'entries': entries}


SCENARIOS = {
    'put_confirmed': put_confirmed,
    'times_and_mode': times_and_mode,
    'seek_and_write': seek_and_write,
    'winscp_upload': winscp_upload,
    'winscp_resume': winscp_resume,
    'long_names': long_names,
}


def main():
    host, port, known_hosts, user, method, secret, scenario, *args = sys.argv[1:]
    client = connect(host, port, known_hosts, user, method, secret)
    try:
        sftp = client.open_sftp()
        result = SCENARIOS[scenario](sftp, *args)
        sftp.close()
    finally:
        client.close()
    print(json.dumps(result))


if __name__ == '__main__':
    main()
