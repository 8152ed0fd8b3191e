// One benchmark server: `node --import tsx bench/server.ts <variant>`, of this working tree's
// build or of the one BENCH_PACKAGE names. It sends its port when ready, and on request its CPU
// time and request count so far, for CPU time per request.
import type { AddressInfo } from 'node:net';
import { serve, VARIANTS, type VariantName } from './variants.js';

const name = process.argv[2] as VariantName;
if (!(name in VARIANTS)) throw new Error(`unknown variant ${name}`);
let requests = 0;
const server = (await serve(name)).on('request', () => (requests += 1));
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('message', () => {
  const { user, system } = process.cpuUsage();
  process.send?.({ cpuMicros: user + system, requests });
});
process.on('disconnect', () => process.exit(0));
