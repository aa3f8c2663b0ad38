import { BlockList, isIP } from 'node:net';

/**
 * A set of addresses and CIDR ranges (already checked by the config schema). An IPv4 client
 * reaching a dual-stack listener shows up as `::ffff:192.0.2.7`; it is matched as the IPv4
 * address it is, so `192.0.2.0/24` covers it.
 */
export class AddressList {
  private readonly blocks = new BlockList();
  readonly size: number;

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address = '', prefix] = entry.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.blocks.addAddress(address, family);
      else this.blocks.addSubnet(address, Number(prefix), family);
    }
    this.size = entries.length;
  }

  has(remoteAddress: string): boolean {
    const address = plainAddress(remoteAddress);
    const family = isIP(address);
    if (family === 0) return false;
    return this.blocks.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }
}

/** `::ffff:192.0.2.7` as `192.0.2.7`; any other address unchanged. */
export function plainAddress(remoteAddress: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress);
  return mapped?.[1] ?? remoteAddress;
}
