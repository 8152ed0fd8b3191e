import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// A consumer project that installs the packed tarball with `npm ci --offline`: its lockfile is
// cut from this repository's, so every other package comes from the npm cache that installing
// this repository filled, and the test needs no network.

interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

type Packages = Readonly<Record<string, LockEntry>>;

const REPO = new URL('../../', import.meta.url);
const repoLock = JSON.parse(readFileSync(new URL('package-lock.json', REPO), 'utf8')) as { packages: Packages };
const repoManifest = JSON.parse(readFileSync(new URL('package.json', REPO), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional: boolean }>;
  bin: Record<string, string>;
  engines: Record<string, string>;
};

/** The version this repository installed of a package, by its folder under node_modules. */
export function installedVersion(folder: string): string {
  const version = repoLock.packages[`node_modules/${folder}`]?.version;
  if (version === undefined) throw new Error(`${folder} is not in package-lock.json`);
  return version;
}

/**
 * Writes package.json and package-lock.json of a consumer that depends on the tarball and on
 * `extra` (folder name to spec: the folder must be installed in this repository).
 */
export function writeConsumer(
  dir: string,
  tarball: { file: string; integrity: string },
  extra: Readonly<Record<string, string>>,
): void {
  const dependencies = { [repoManifest.name]: `file:${tarball.file}`, ...extra };
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, dependencies }, null, 2)}\n`,
  );
  const self: LockEntry = {
    version: repoManifest.version,
    resolved: `file:${tarball.file}`,
    integrity: tarball.integrity,
    dependencies: repoManifest.dependencies,
    peerDependencies: repoManifest.peerDependencies,
    // Without it npm would count redis and ioredis as required peers, missing from the lockfile.
    peerDependenciesMeta: repoManifest.peerDependenciesMeta,
    // npm ci links bins from the lockfile's entry, not from the unpacked manifest.
    bin: repoManifest.bin,
    engines: repoManifest.engines,
  };
  const packages: Record<string, LockEntry> = {
    '': { name: 'consumer', dependencies },
    [`node_modules/${repoManifest.name}`]: self,
  };
  const pending = [
    ...Object.keys(extra).map((name) => `node_modules/${name}`),
    ...dependencyPaths('', repoManifest.dependencies),
  ];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (path in packages) continue;
    const { dev, devOptional, peer, ...entry } = requireEntry(path);
    packages[path] = entry;
    pending.push(
      ...dependencyPaths(path, { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies }),
    );
  }
  const lock = { name: 'consumer', lockfileVersion: 3, requires: true, packages };
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
}

function requireEntry(path: string): LockEntry {
  const entry = repoLock.packages[path];
  if (entry === undefined) throw new Error(`${path} is not in package-lock.json`);
  return entry;
}

/** Where Node would find each dependency of the package at `from`: nested first, then up the tree. */
function dependencyPaths(from: string, dependencies: Readonly<Record<string, string>> = {}): string[] {
  return Object.keys(dependencies).flatMap((name) => {
    for (let base = from; ; base = base.slice(0, Math.max(0, base.lastIndexOf('/node_modules/')))) {
      const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
      if (candidate in repoLock.packages) return [candidate];
      if (base === '') return [];
    }
  });
}
