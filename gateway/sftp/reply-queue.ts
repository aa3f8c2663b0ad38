/** Sends one reply on the SFTP channel (a STATUS, HANDLE, DATA, NAME, ATTRS or raw packet). */
export type Reply = () => void;

interface Slot {
  reply: Reply | undefined;
}

/**
 * Keeps requests concurrent but replies in request order. SFTP allows out-of-order replies,
 * but paramiko's pipelined `put` hangs for good once a reply overtakes an earlier one, so
 * each request takes a slot on arrival and its reply leaves only when every earlier slot has.
 * A slot is filled once; a second fill is a bug and is ignored, so a request never gets two
 * replies.
 */
export class ReplyQueue {
  private readonly slots: Slot[] = [];
  private head = 0;

  /** `onSendError` hears of a reply that threw while being sent; later replies still leave. */
  constructor(private readonly onSendError: (error: unknown) => void) {}

  /** Takes the next slot; call in the order requests arrive. */
  reserve(): (reply: Reply) => boolean {
    const slot: Slot = { reply: undefined };
    this.slots.push(slot);
    return (reply) => {
      if (slot.reply !== undefined) return false;
      slot.reply = reply;
      this.flush();
      return true;
    };
  }

  /** Requests still waiting for their reply to leave. */
  get waiting(): number {
    return this.slots.length - this.head;
  }

  private flush(): void {
    while (this.head < this.slots.length) {
      const reply = this.slots[this.head]?.reply;
      if (reply === undefined) break;
      this.head += 1;
      try {
        reply();
      } catch (error) {
        this.onSendError(error);
      }
    }
    // Drop sent slots now and then, not on every reply, to keep the array short cheaply.
    if (this.head > 1024 && this.head * 2 > this.slots.length) {
      this.slots.splice(0, this.head);
      this.head = 0;
    }
  }
}
