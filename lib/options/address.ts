import { isIP } from 'node:net';
import { configError, describe, everyEntry } from './checks.js';

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
  const allowed = new Map<number, Set<string>>();
  for (const entry of everyEntry(list)) {
    const { words, prefix } = parseEntry(entry);
    let set = allowed.get(prefix);
    if (set === undefined) allowed.set(prefix, (set = new Set()));
    set.add(keyOf(words, prefix));
  }
  // Checked by prefix length, each a lookup: the cost grows with how many lengths the list uses
  // (at most 129), never with how many entries it holds. net.BlockList checks its rules in turn.
  const prefixes = [...allowed.entries()];
  return (address) => {
    const words = wordsOf(address);
    if (words === undefined) return false;
    for (const [prefix, set] of prefixes) if (set.has(keyOf(words, prefix))) return true;
    return false;
  };
}

/**
 * An address as 128 bits in four 32-bit words, or undefined for anything that is not an address.
 * An IPv4 address is taken in its IPv4-mapped IPv6 form (`::ffff:1.2.3.4`), so that it and that
 * form, which a dual-stack server sees for an IPv4 peer, match the same entries, as they do in
 * net.BlockList. A link-local address's zone (`fe80::1%eth0`) names an interface, not part of the
 * address, and is left out.
 */
function wordsOf(address: string): readonly number[] | undefined {
  const family = isIP(address);
  if (family === 4) return [0, 0, 0xffff, ipv4Word(address)];
  if (family !== 6) return undefined;
  const zone = address.indexOf('%');
  return ipv6Words(zone === -1 ? address : address.slice(0, zone));
}

function ipv4Word(address: string): number {
  const [a = 0, b = 0, c = 0, d = 0] = address.split('.').map(Number);
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

// A valid IPv6 address (isIP said so): eight groups of hex, `::` for a run of zeros, and maybe an
// IPv4 address for the last two.
function ipv6Words(address: string): readonly number[] {
  const groups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [Number.parseInt(group, 16)];
          const word = ipv4Word(group);
          return [word >>> 16, word & 0xffff];
        });
  const gap = address.indexOf('::');
  const head = groups(gap === -1 ? address : address.slice(0, gap));
  const tail = gap === -1 ? [] : groups(address.slice(gap + 2));
  const all = [...head, ...Array.from({ length: 8 - head.length - tail.length }, () => 0), ...tail];
  return [0, 2, 4, 6].map((i) => (((all[i] ?? 0) << 16) | (all[i + 1] ?? 0)) >>> 0);
}

/** The first `prefix` bits of `words`, as a key. */
function keyOf(words: readonly number[], prefix: number): string {
  let key = String(prefix);
  for (let word = 0; word < 4; word++) {
    const bits = Math.min(32, Math.max(0, prefix - word * 32));
    const mask = bits === 0 ? 0 : bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
    key += `:${String(((words[word] ?? 0) & mask) >>> 0)}`;
  }
  return key;
}

function parseEntry(entry: unknown): { readonly words: readonly number[]; readonly prefix: number } {
  const bad = (why: string): TypeError =>
    configError(`\`allowFrom\` entry ${describe(entry)} ${why}; write an address or a range, e.g. '183.192.202.0/25'.`);
  if (typeof entry !== 'string') throw bad('is not a string');
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  if (address.includes('%')) throw bad('has a zone index, which a list cannot match');
  const family = isIP(address);
  if (family === 0) throw bad('is not an IPv4 or IPv6 address');
  const most = family === 4 ? 32 : 128;
  const prefix = slash === -1 ? most : entry.slice(slash + 1);
  if (typeof prefix === 'string' && (!/^[0-9]{1,3}$/.test(prefix) || Number(prefix) > most)) {
    throw bad(`has a prefix length that is not a whole number from 0 to ${String(most)}`);
  }
  // An IPv4 range is the same range of IPv4-mapped addresses.
  const bits = Number(prefix) + (family === 4 ? 96 : 0);
  return { words: wordsOf(address) ?? [], prefix: bits };
}
