// Byte encodings the runtimes share: every runtime has TextEncoder, btoa and Uint8Array, not all
// of them Buffer.

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * Lowercase hex of `bytes`, as one flat string: joined, not built with `+=`, which makes a rope
 * of pieces that whatever reads it next must flatten first.
 */
export function toHex(bytes: Uint8Array): string {
  const pairs = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) pairs[i] = HEX[bytes[i] ?? 0] ?? '';
  return pairs.join('');
}

/** Standard base64 (with `+`, `/` and `=` padding) of `bytes`. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The length of `text`'s UTF-8, in bytes, counted without encoding it: a surrogate pair is 4, a
 * surrogate alone 3 (it is written as U+FFFD), as TextEncoder and Buffer.byteLength count.
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // Two units, four bytes.
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}
