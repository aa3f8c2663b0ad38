import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ReplyQueue } from '../../../gateway/sftp/reply-queue.js';

describe('ReplyQueue', () => {
  it('sends replies in request order whatever order they finish in', () => {
    const sent: number[] = [];
    const queue = new ReplyQueue(() => {});
    const slots = [0, 1, 2, 3].map(() => queue.reserve());

    slots[2]?.(() => sent.push(2));
    slots[1]?.(() => sent.push(1));
    assert.equal(sent.length, 0);
    slots[0]?.(() => sent.push(0));
    assert.equal(sent.join(), '0,1,2');
    slots[3]?.(() => sent.push(3));
    assert.deepEqual(sent, [0, 1, 2, 3]);
    assert.equal(queue.waiting, 0);
  });

  it('sends exactly one reply per slot, ignoring a second fill', () => {
    const sent: string[] = [];
    const queue = new ReplyQueue(() => {});
    const send = queue.reserve();

    assert.equal(send(() => sent.push('first')), true);
    assert.equal(send(() => sent.push('second')), false);
    assert.deepEqual(sent, ['first']);
  });

  it('keeps sending later replies when one throws', () => {
    const sent: number[] = [];
    const errors: unknown[] = [];
    const queue = new ReplyQueue((error) => errors.push(error));
    const [first, second] = [queue.reserve(), queue.reserve()];

    second(() => sent.push(2));
    first(() => {
      throw new Error('channel gone');
    });
    assert.deepEqual(sent, [2]);
    assert.equal(errors.length, 1);
  });

  it('stays in order across many slots', () => {
    const sent: number[] = [];
    const queue = new ReplyQueue(() => {});
    const slots = Array.from({ length: 5000 }, () => queue.reserve());
    slots.forEach((send, index) => {
      if (index % 2 === 1) send(() => sent.push(index));
    });
    slots.forEach((send, index) => {
      if (index % 2 === 0) send(() => sent.push(index));
    });
    assert.deepEqual(sent, Array.from({ length: 5000 }, (_, index) => index));
  });
});
