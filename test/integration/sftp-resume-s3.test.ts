// OpenSSH reput on S3 (radosgw); sftp-resume-local.test.ts runs the same on local disk.
import { S3_ON_RADOSGW } from './compat-backends.js';
import { describeResumedUploads } from './sftp-resume.js';

describeResumedUploads(S3_ON_RADOSGW, 1);
