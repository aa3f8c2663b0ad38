"""Drives the Airlock gateway with paramiko and prints one JSON object with what it saw.

Usage: paramiko_client.py HOST PORT KNOWN_HOSTS USER (key KEYFILE | password PASSWORD) SCENARIO [ARGS]
Run with Debian's /usr/bin/python3 (python3-paramiko).
"""
import errno
import hashlib
import json
import os
import sys

import paramiko


def connect(host, port, known_hosts, user, method, secret):
    client = paramiko.SSHClient()
    client.load_host_keys(known_hosts)
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    options = dict(hostname=host, port=int(port), username=user, look_for_keys=False, allow_agent=False, timeout=20)
    if method == 'key':
        options['key_filename'] = secret
    else:
        options['password'] = secret
    client.connect(**options)
    return client


def out_of_order_writes(sftp, path):
    """Writes 64 KiB chunks from the last to the first, pipelined, then reads the file back."""
    chunks = [bytes([index]) * 65536 for index in range(16)]
    with sftp.open(path, 'w') as handle:
        handle.set_pipelined(True)
        for index in reversed(range(len(chunks))):
            handle.seek(index * 65536)
            handle.write(chunks[index])
    with sftp.open(path, 'r') as handle:
        back = handle.read()
    return {'matches': back == b''.join(chunks), 'size': sftp.stat(path).st_size}


def reads_at_offsets(sftp, path):
    body = bytes(range(256)) * 4
    with sftp.open(path, 'w') as handle:
        handle.write(body)
    with sftp.open(path, 'r') as handle:
        handle.seek(100)
        middle = handle.read(50)
        handle.seek(len(body) - 10)
        tail = handle.read(100)
        handle.seek(len(body) + 500)
        past_end = handle.read(10)
        # readv sends many READs at once, out of the usual order of offsets.
        ranges = list(handle.readv([(900, 20), (0, 10), (500, 30)]))
    return {
        'middle': middle == body[100:150],
        'tail': tail == body[-10:],
        'pastEnd': len(past_end),
        'readv': [chunk == body[o:o + n] for chunk, (o, n) in zip(ranges, [(900, 20), (0, 10), (500, 30)])],
    }


def utime_then_stat(sftp, path):
    with sftp.open(path, 'w') as handle:
        handle.write(b'x')
    sftp.utime(path, (1_000_000_000, 1_234_567_890))
    stat = sftp.stat(path)
    return {'atime': int(stat.st_atime), 'mtime': int(stat.st_mtime)}


def temporary_then_rename(sftp, local, target):
    temporary = target + '.filepart'
    sftp.put(local, temporary)
    sftp.rename(temporary, target)
    folder = target.rsplit('/', 1)[0]
    return {'names': sorted(sftp.listdir(folder)), 'size': sftp.stat(target).st_size}


def stat_missing(sftp, path):
    try:
        sftp.stat(path)
    except FileNotFoundError as error:
        return {'raised': 'FileNotFoundError', 'errno': error.errno}
    except IOError as error:
        return {'raised': type(error).__name__, 'errno': error.errno}
    return {'raised': None}


def pipelined_put(sftp, local, target):
    sftp.put(local, target)
    with open(local, 'rb') as handle:
        expected = hashlib.sha256(handle.read()).hexdigest()
    with sftp.open(target, 'r') as handle:
        handle.prefetch()
        actual = hashlib.sha256(handle.read()).hexdigest()
    return {'matches': expected == actual, 'size': sftp.stat(target).st_size}


def refused_upload(sftp, path):
    try:
        with sftp.open(path, 'w') as handle:
            handle.write(b'x')
    except PermissionError as error:
        return {'raised': 'PermissionError', 'errno': error.errno}
    except IOError as error:
        return {'raised': type(error).__name__, 'errno': error.errno}
    return {'raised': None}


SCENARIOS = {
    'out-of-order-writes': out_of_order_writes,
    'reads-at-offsets': reads_at_offsets,
    'utime-then-stat': utime_then_stat,
    'temporary-then-rename': temporary_then_rename,
    'stat-missing': stat_missing,
    'pipelined-put': pipelined_put,
    'refused-upload': refused_upload,
    'login-only': lambda sftp: {'listing': sorted(sftp.listdir('/'))},
}


def main():
    host, port, known_hosts, user, method, secret, scenario, *args = sys.argv[1:]
    try:
        client = connect(host, port, known_hosts, user, method, secret)
    except paramiko.AuthenticationException:
        print(json.dumps({'login': 'refused'}))
        return
    try:
        sftp = client.open_sftp()
        result = SCENARIOS[scenario](sftp, *args)
        sftp.close()
    finally:
        client.close()
    print(json.dumps({'login': 'accepted', **result}))


if __name__ == '__main__':
    main()
