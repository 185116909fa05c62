// SHA-256 (FIPS 180-4) in plain script, for the proof of work only.
// WebCrypto's digest is one promise and one hop to another thread per
// hash, which caps it near 50,000 hashes a second whatever the device;
// a proof of work hashes one long prefix with a changing counter, so a
// synchronous hash that compresses the prefix once (its "midstate") and
// then one block per counter is many times faster. This is not a general
// hashing API: use WebCrypto for anything else.

const K = Uint32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const w = new Uint32Array(64);

// compress folds the 64-byte block of b at off into state h.
function compress(h: Uint32Array, b: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++, off += 4) w[i] = (b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3];
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15], y = w[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  let a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (hh + s1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & bb) ^ (a & c) ^ (bb & c))) | 0;
    hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = bb; bb = a; a = (t1 + t2) | 0;
  }
  h[0] += a; h[1] += bb; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

// Prefixed hashes prefix + suffix for many short ASCII suffixes.
export class Prefixed {
  private mid = Uint32Array.from(IV);
  private state = new Uint32Array(8);
  private tail: Uint8Array; // the prefix's bytes after its last whole block
  private buf = new Uint8Array(128);
  private length: number;

  constructor(prefix: Uint8Array) {
    const whole = prefix.length - (prefix.length % 64);
    for (let off = 0; off < whole; off += 64) compress(this.mid, prefix, off);
    this.tail = prefix.subarray(whole);
    this.length = prefix.length;
  }

  // firstWord returns the first 32 bits of SHA-256(prefix + suffix), all
  // a proof of work of at most 32 bits needs. suffix must be ASCII.
  firstWord(suffix: string): number {
    const buf = this.buf, t = this.tail.length, n = t + suffix.length;
    buf.set(this.tail);
    for (let i = 0; i < suffix.length; i++) buf[t + i] = suffix.charCodeAt(i);
    const end = n + 9 <= 64 ? 64 : 128;
    buf[n] = 0x80;
    buf.fill(0, n + 1, end - 4);
    const bits = (this.length + suffix.length) * 8;
    buf[end - 4] = bits >>> 24; buf[end - 3] = bits >>> 16; buf[end - 2] = bits >>> 8; buf[end - 1] = bits;
    this.state.set(this.mid);
    compress(this.state, buf, 0);
    if (end == 128) compress(this.state, buf, 64);
    return this.state[0];
  }
}
