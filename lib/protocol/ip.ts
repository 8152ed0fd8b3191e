// Which IP version an address is written in, as node:net's isIP tells it, so that runtimes without
// node:net read addresses the same way (test/protocol/ip.test.ts compares the two on generated
// addresses): dotted decimal without leading zeros; IPv6 of eight groups, or fewer around one `::`,
// with an IPv4 tail counting as two; and a zone after `%` (`fe80::1%eth0`). Read by hand rather
// than with node:net's long IPv6 pattern, which takes milliseconds to compile on first use: a cost
// of every cold start of a receiver that reads a peer's address.

const IPV4 =
  /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/;
const GROUP = /^[0-9a-fA-F]{1,4}$/;
const ZONE = /^[0-9a-zA-Z.:-]+$/;

/** 4 or 6 for an IP address of that version, 0 for anything else. */
export function ipVersion(address: string): 0 | 4 | 6 {
  if (IPV4.test(address)) return 4;
  return isIpv6(address) ? 6 : 0;
}

function isIpv6(written: string): boolean {
  let address = written;
  const percent = address.indexOf('%');
  if (percent >= 0) {
    if (!ZONE.test(address.slice(percent + 1))) return false;
    address = address.slice(0, percent);
  }
  const lastColon = address.lastIndexOf(':');
  if (lastColon < 0) return false;
  // An IPv4 tail stands for the last two groups.
  const tail = address.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!IPV4.test(tail)) return false;
    address = `${address.slice(0, lastColon + 1)}0:0`;
  }
  const gap = address.indexOf('::');
  if (gap < 0) return groupsOf(address, 8, 8);
  // One `::` only (`:::` holds a second that overlaps the first), standing for one group or more.
  if (address.includes('::', gap + 1)) return false;
  const before = address.slice(0, gap);
  const after = address.slice(gap + 2);
  const count = (before === '' ? 0 : before.split(':').length) + (after === '' ? 0 : after.split(':').length);
  return count <= 7 && (before === '' || groupsOf(before, 1, 7)) && (after === '' || groupsOf(after, 1, 7));
}

/** Whether `text` is `min` to `max` groups of 1 to 4 hex digits, separated by single colons. */
function groupsOf(text: string, min: number, max: number): boolean {
  const groups = text.split(':');
  return groups.length >= min && groups.length <= max && groups.every((group) => GROUP.test(group));
}
