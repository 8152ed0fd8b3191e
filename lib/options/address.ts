import { ipVersion } from '../protocol/ip.js';
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
  return listMatcher(entries, 'allowFrom');
}

/** `addressMatcher` of the list that `option` names, as its messages name it. */
export function listMatcher(entries: readonly string[], option: string): AddressCheck {
  const list: unknown = entries;
  if (!Array.isArray(list) || list.length === 0) {
    throw configError(
      `\`${option}\` must be a non-empty list of addresses and CIDR ranges, e.g. ['183.192.202.0/25'], ` +
        'or a function (address) => boolean. Leave it out to accept callbacks from any address.',
    );
  }
  // Each entry as the range of 128-bit addresses it covers, in order of their first address, and
  // those that overlap or touch made one: a check is then a binary search, whose cost grows with
  // the logarithm of the entries, never with how many prefix lengths they use.
  const ranges = everyEntry(list)
    .map((entry) => rangeOf(parseEntry(entry, option)))
    .sort((a, b) => compare(a.first, 0, b.first, 0));
  const firsts: number[] = [];
  const lasts: number[] = [];
  for (const { first, last } of ranges) {
    const held = firsts.length / 4 - 1;
    if (held >= 0 && compare(first, 0, nextOf(lasts, held), 0) <= 0) {
      if (compare(last, 0, lasts, held * 4) > 0) lasts.splice(held * 4, 4, ...last);
    } else {
      firsts.push(...first);
      lasts.push(...last);
    }
  }
  const starts = Uint32Array.from(firsts);
  const ends = Uint32Array.from(lasts);
  const count = starts.length / 4;
  return (address) => {
    const words = wordsOf(address);
    if (words === undefined) return false;
    // The last range that starts at or before the address, if any, holds it when it ends at or after it.
    let low = 0;
    let high = count - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (compare(starts, middle * 4, words, 0) <= 0) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found !== -1 && compare(words, 0, ends, found * 4) <= 0;
  };
}

/** Four 32-bit words of an address, or of where a list of them starts. */
type Words = ArrayLike<number>;

/** The order of the 128-bit values at `a[at]` and `b[bt]`: negative, 0 or positive. */
function compare(a: Words, at: number, b: Words, bt: number): number {
  for (let word = 0; word < 4; word++) {
    const difference = (a[at + word] ?? 0) - (b[bt + word] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The address after the range at `index` of `lasts`, so that ranges that touch are one. */
function nextOf(lasts: readonly number[], index: number): number[] {
  const next = lasts.slice(index * 4, index * 4 + 4);
  for (let word = 3; word >= 0; word--) {
    const value = ((next[word] ?? 0) + 1) >>> 0;
    next[word] = value;
    if (value !== 0) return next;
  }
  // The range reaches the last address: nothing comes after it.
  return [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff];
}

/** The first and last addresses of an entry's range. */
function rangeOf({ words, prefix }: Entry): { readonly first: number[]; readonly last: number[] } {
  const first: number[] = [];
  const last: number[] = [];
  for (let word = 0; word < 4; word++) {
    const bits = Math.min(32, Math.max(0, prefix - word * 32));
    const mask = bits === 0 ? 0 : bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
    const value = words[word] ?? 0;
    first.push((value & mask) >>> 0);
    last.push((value | ~mask) >>> 0);
  }
  return { first, last };
}

// The IPv4-mapped IPv6 addresses, ::ffff:0:0/96, where every IPv4 entry and address is kept.
const MAPPED: readonly number[] = [0, 0, 0xffff, 0];
const MAPPED_PREFIX = 96;

/**
 * Whether a list entry covers all or most of an address family: an IPv4 range wider than a /8,
 * an IPv6 range wider than a /32 (a regional registry's allocation), or one that holds a /8 or
 * more of the IPv4-mapped addresses (`::ffff:0:0/96`, `::/0`). No list of a sender's addresses
 * needs one, so a list that holds one is not the sender's. Entries must be valid.
 */
export function coversMostOfAFamily(entry: string): boolean {
  const { words, prefix } = parseEntry(entry, 'allowFrom');
  // Within, or holding, the IPv4-mapped block: is it a /8 of IPv4 or wider?
  const shared = Math.min(prefix, MAPPED_PREFIX);
  const { first } = rangeOf({ words, prefix: shared });
  if (compare(first, 0, rangeOf({ words: MAPPED, prefix: shared }).first, 0) === 0) return prefix < MAPPED_PREFIX + 8;
  return prefix < 32;
}

/**
 * An address as 128 bits in four 32-bit words, or undefined for anything that is not an address.
 * An IPv4 address is taken in its IPv4-mapped IPv6 form (`::ffff:1.2.3.4`), so that it and that
 * form, which a dual-stack server sees for an IPv4 peer, match the same entries, as they do in
 * net.BlockList. A link-local address's zone (`fe80::1%eth0`) names an interface, not part of the
 * address, and is left out.
 */
function wordsOf(address: string): readonly number[] | undefined {
  const family = ipVersion(address);
  if (family === 4) return [0, 0, 0xffff, ipv4Word(address)];
  if (family !== 6) return undefined;
  const zone = address.indexOf('%');
  return ipv6Words(zone === -1 ? address : address.slice(0, zone));
}

function ipv4Word(address: string): number {
  const [a = 0, b = 0, c = 0, d = 0] = address.split('.').map(Number);
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

// A valid IPv6 address (ipVersion said so): eight groups of hex, `::` for a run of zeros, and maybe an
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

interface Entry {
  readonly words: readonly number[];
  readonly prefix: number;
}

/** An entry of `option` as an address in 128 bits and its prefix length; throws a `TypeError` for a malformed one. */
function parseEntry(entry: unknown, option: string): Entry {
  const bad = (why: string): TypeError =>
    configError(`\`${option}\` entry ${describe(entry)} ${why}; write an address or a range, e.g. '183.192.202.0/25'.`);
  if (typeof entry !== 'string') throw bad('is not a string');
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  if (address.includes('%')) throw bad('has a zone index, which a list cannot match');
  const family = ipVersion(address);
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
