import { createRequire } from 'node:module';

import type { SFTPWrapper } from 'ssh2';

/** The parts of ssh2's SFTP object (lib/protocol/SFTP.js, 1.17) that flow control touches. */
interface FlowInternals {
  push(data: Buffer | null): boolean | undefined;
  _waitChanDrain?: boolean;
  _maxInPktLen: number;
  incoming: { window: number };
}

interface ChannelModule {
  MAX_WINDOW: number;
  windowAdjust(channel: unknown): void;
}

const channelModule = createRequire(import.meta.url)('ssh2/lib/Channel.js') as ChannelModule;

/**
 * Back-pressure for one SFTP session. ssh2 parses every byte a client sends at once and grants
 * new SSH window straight away, so a client writing faster than storage accepts would have the
 * gateway buffer its WRITEs without end. Here, once `maxInFlight` requests wait for their reply,
 * the channel's push() answers false: ssh2 then stops granting window (server.js, CHANNEL_DATA)
 * and the client must stop once the window it holds is spent. When the count falls to half,
 * window is granted again. At most `maxInFlight` requests plus one window (2 MiB) are buffered.
 */
export class RequestFlow {
  private inFlight = 0;
  private isHolding = false;
  /** The largest number of requests that waited at once, for tests and the session's log. */
  peakInFlight = 0;

  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly maxInFlight: number,
    maxPacketBytes: number,
  ) {
    const internals = sftp as unknown as FlowInternals;
    internals._maxInPktLen = maxPacketBytes;
    const push = internals.push.bind(sftp);
    internals.push = (data) => {
      push(data);
      this.isHolding = data !== null && this.inFlight >= this.maxInFlight;
      return this.isHolding ? false : undefined;
    };
  }

  onRequest(): void {
    this.inFlight += 1;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
  }

  onReplied(): void {
    this.inFlight -= 1;
    if (this.isHolding && this.inFlight <= this.maxInFlight / 2) this.resume();
  }

  private resume(): void {
    this.isHolding = false;
    const internals = this.sftp as unknown as FlowInternals;
    if (internals._waitChanDrain !== true) return;
    internals._waitChanDrain = false;
    if (internals.incoming.window <= channelModule.MAX_WINDOW / 2) channelModule.windowAdjust(this.sftp);
  }
}
