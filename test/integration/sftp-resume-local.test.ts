// OpenSSH reput on local disk; sftp-resume-s3.test.ts runs the same on S3 (radosgw).
import { LOCAL_DISK } from './compat-backends.js';
import { describeResumedUploads } from './sftp-resume.js';

// Three rounds: the swapped writes this pins showed in about half of the single runs.
describeResumedUploads(LOCAL_DISK, 3);
