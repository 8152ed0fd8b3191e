import { BlockList, isIP } from 'node:net';
import { configError } from './checks.js';
import { describe } from './checks.js';

/** Whether a peer address may send callbacks. */
export type AddressCheck = (address: string) => boolean;

/**
 * A check of peer addresses against a list of IPv4 and IPv6 addresses and CIDR ranges, such as
 * Tencent's callback egress addresses from the REST API `v4/ConfigSvc/GetIPList` (IPs or CIDRs
 * like `183.192.202.0/25`; Tencent advises allowlisting them, tencentcloud.com/document/product/1047/36742).
 * An IPv4 entry also matches the IPv4-mapped IPv6 form (`::ffff:1.2.3.4`), which is how a
 * dual-stack server sees an IPv4 peer. Throws a `TypeError` for a malformed entry, so a typo fails
 * at start-up rather than refusing every callback.
 *
 * @example
 * const tencent = addressMatcher(['183.192.202.0/25', '2402:4e00::/32']);
 * tencent('::ffff:183.192.202.7'); // true
 */
export function addressMatcher(entries: readonly string[]): AddressCheck {
  const list: unknown = entries;
  if (!Array.isArray(list) || list.length === 0) {
    throw configError(
      "`allowFrom` must be a non-empty list of addresses and CIDR ranges, e.g. ['183.192.202.0/25'], " +
        'or a function (address) => boolean. Leave it out to accept callbacks from any address.',
    );
  }
  const allowed = new BlockList();
  for (const entry of list as unknown[]) addEntry(allowed, entry);
  return (address) => {
    const family = isIP(address);
    if (family === 4) return allowed.check(address, 'ipv4');
    // A link-local peer's zone (`fe80::1%eth0`) names an interface, not part of the address:
    // BlockList matches the address without it.
    return family === 6 && allowed.check(address, 'ipv6');
  };
}

function addEntry(allowed: BlockList, entry: unknown): void {
  const bad = (why: string): TypeError =>
    configError(`\`allowFrom\` entry ${describe(entry)} ${why}; write an address or a range, e.g. '183.192.202.0/25'.`);
  if (typeof entry !== 'string') throw bad('is not a string');
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  if (address.includes('%')) throw bad('has a zone index, which a list cannot match');
  const family = isIP(address);
  if (family === 0) throw bad('is not an IPv4 or IPv6 address');
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (slash === -1) {
    allowed.addAddress(address, type);
    return;
  }
  const prefix = entry.slice(slash + 1);
  const most = family === 4 ? 32 : 128;
  if (!/^[0-9]{1,3}$/.test(prefix) || Number(prefix) > most) {
    throw bad(`has a prefix length that is not a whole number from 0 to ${String(most)}`);
  }
  allowed.addSubnet(address, Number(prefix), type);
}
