import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { S3StorageConfig } from '../../../config/schema.js';
import { homeDirectoryMappings, partitionOf, sessionPolicy } from '../../../scripts/transfer-policy.js';

function s3Storage(prefix: string): S3StorageConfig {
  return {
    type: 's3',
    bucket: 'airlock-phi',
    prefix,
    region: 'eu-west-1',
    forcePathStyle: false,
    checksums: 'WHEN_SUPPORTED',
    partSizeBytes: 8 * 1024 * 1024,
  };
}

describe('session policy', () => {
  it('lets a client list its two folders, use its inbox, and read and delete in its outbox only', () => {
    const policy = sessionPolicy(s3Storage('prod/'), 'acme', 'aws');

    assert.equal(
      JSON.stringify(policy),
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ListClientFolders',
            Effect: 'Allow',
            Action: ['s3:ListBucket'],
            Resource: 'arn:aws:s3:::airlock-phi',
            Condition: {
              StringLike: {
                's3:prefix': [
                  'prod/clients/acme/inbox',
                  'prod/clients/acme/inbox/*',
                  'prod/clients/acme/outbox',
                  'prod/clients/acme/outbox/*',
                ],
              },
            },
          },
          {
            Sid: 'UploadToInbox',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
            Resource: 'arn:aws:s3:::airlock-phi/prod/clients/acme/inbox/*',
          },
          {
            Sid: 'PickUpFromOutbox',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:DeleteObject'],
            Resource: 'arn:aws:s3:::airlock-phi/prod/clients/acme/outbox/*',
          },
        ],
      }),
    );
  });

  it('grants nothing on the outbox that writes', () => {
    const outbox = sessionPolicy(s3Storage(''), 'acme', 'aws').Statement.filter((statement) =>
      statement.Resource.includes('/outbox'),
    );
    assert.deepEqual(outbox.flatMap((statement) => statement.Action), ['s3:GetObject', 's3:DeleteObject']);
  });

  it('names S3 in the partition of the role', () => {
    assert.equal(partitionOf('arn:aws-us-gov:iam::123456789012:role/airlock-transfer'), 'aws-us-gov');
    const policy = sessionPolicy(s3Storage(''), 'acme', 'aws-us-gov');
    assert.equal(policy.Statement[0]?.Resource, 'arn:aws-us-gov:s3:::airlock-phi');
  });
});

describe('home directory mappings', () => {
  const cases: { prefix: string; inbox: string; outbox: string }[] = [
    { prefix: '', inbox: '/airlock-phi/clients/acme/inbox', outbox: '/airlock-phi/clients/acme/outbox' },
    { prefix: 'prod', inbox: '/airlock-phi/prod/clients/acme/inbox', outbox: '/airlock-phi/prod/clients/acme/outbox' },
    { prefix: 'prod/', inbox: '/airlock-phi/prod/clients/acme/inbox', outbox: '/airlock-phi/prod/clients/acme/outbox' },
    { prefix: '/prod/', inbox: '/airlock-phi/prod/clients/acme/inbox', outbox: '/airlock-phi/prod/clients/acme/outbox' },
    { prefix: 'a/b//', inbox: '/airlock-phi/a/b/clients/acme/inbox', outbox: '/airlock-phi/a/b/clients/acme/outbox' },
  ];

  for (const { prefix, inbox, outbox } of cases) {
    it(`maps /inbox and /outbox under prefix "${prefix}" to the processor's folders`, () => {
      assert.deepEqual(homeDirectoryMappings(s3Storage(prefix), 'acme'), [
        { Entry: '/inbox', Target: inbox, Type: 'DIRECTORY' },
        { Entry: '/outbox', Target: outbox, Type: 'DIRECTORY' },
      ]);
    });
  }
});
