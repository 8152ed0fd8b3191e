// One benchmark server: `node --import tsx bench/server.ts <variant>`; prints its port when ready.
import type { AddressInfo } from 'node:net';
import { serve, VARIANTS, type VariantName } from './variants.js';

const name = process.argv[2] as VariantName;
if (!(name in VARIANTS)) throw new Error(`unknown variant ${name}`);
const server = serve(name).listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));
