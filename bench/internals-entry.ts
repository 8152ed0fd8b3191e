// What bench/internals.ts builds: the request path's parts the micro-benchmarks time.
export { decideBody, decideQuery } from '../lib/core/decide.js';
export { resolveConfig } from '../lib/options/resolve.js';
export { parseQuery } from '../lib/protocol/query.js';
export { sign, signatureVerifier } from '../lib/protocol/signature.js';
export { addressMatcher } from '../lib/options/address.js';
