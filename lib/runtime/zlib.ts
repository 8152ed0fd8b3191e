// A zlib stream (RFC 1950) of stored, uncompressed DEFLATE blocks (RFC 1951, 3.2.4), for the
// UserSig on runtimes without node:zlib: the stream's reader, Tencent's inflate, takes stored
// blocks as it takes compressed ones, and CompressionStream, the web's deflate, is asynchronous.
// A UserSig's document is a few hundred bytes, so what compression would save is a few dozen
// characters of a query string.

const MAX_STORED = 0xffff;

/** `data` as a zlib stream of stored blocks. */
export function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / MAX_STORED));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  // CMF: deflate with a 32 KiB window; FLG: no dictionary, level 0, and (CMF*256 + FLG) % 31 == 0.
  out[0] = 0x78;
  out[1] = 0x01;
  let at = 2;
  for (let block = 0; block < blocks; block++) {
    const chunk = data.subarray(block * MAX_STORED, (block + 1) * MAX_STORED);
    // BFINAL on the last block, BTYPE 00 (stored), then LEN and its ones' complement, little-endian.
    out[at] = block === blocks - 1 ? 1 : 0;
    out[at + 1] = chunk.length & 0xff;
    out[at + 2] = chunk.length >>> 8;
    out[at + 3] = ~chunk.length & 0xff;
    out[at + 4] = (~chunk.length >>> 8) & 0xff;
    out.set(chunk, at + 5);
    at += 5 + chunk.length;
  }
  new DataView(out.buffer).setUint32(at, adler32(data));
  return out;
}

function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}
