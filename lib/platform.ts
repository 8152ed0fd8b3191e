/** The client platforms the protocol documents for `OptPlatform`, in canonical spelling. */
export type Platform = 'RESTAPI' | 'Web' | 'Android' | 'iOS' | 'Windows' | 'Mac' | 'iPad' | 'Unknown';

// The docs disagree on spelling (`Mac` vs `macOS`, `iPad` vs `IPad`), so values are matched
// without regard to case, and anything unrecognised is `Unknown` (the raw value is kept elsewhere).
const CANONICAL = new Map<string, Platform>([
  ['restapi', 'RESTAPI'],
  ['web', 'Web'],
  ['android', 'Android'],
  ['ios', 'iOS'],
  ['windows', 'Windows'],
  ['mac', 'Mac'],
  ['macos', 'Mac'],
  ['ipad', 'iPad'],
  ['unknown', 'Unknown'],
]);

export function canonicalPlatform(raw: string | undefined): Platform | undefined {
  if (raw === undefined) return undefined;
  return CANONICAL.get(raw.toLowerCase()) ?? 'Unknown';
}
