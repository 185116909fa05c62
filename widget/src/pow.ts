// Proof of work before posting (internal/pow): the server hands out a
// signed challenge "p1.nonce.expiry.difficulty.tag.mac", and the widget
// finds the smallest counter n such that SHA-256(challenge + ":" + n)
// starts with `difficulty` zero bits, in the background while the reader
// writes. Either engine gives the page a turn at least every `sliceMs`,
// so typing never stutters, and finds the smallest counter, the same one
// Go's pow.Solve finds.
//
// Engines: "webcrypto" uses crypto.subtle.digest, `batch` digests in
// flight at once to spread its per-call cost; "script" is sha256.ts,
// which hashes the challenge once and then one block per counter. In
// headless Chromium on a busy 2-core server WebCrypto did 25,000-65,000
// hashes/s and the script engine about 1,000,000 (see internal/pow's
// TestBrowserSolver log), so "script" is the default and the difficulty
// is chosen for it.
import { Prefixed } from "./sha256";

// PowOptions tune the solver; the defaults suit phones.
export interface PowOptions {
  engine?: "script" | "webcrypto"; // "script" unless told
  signal?: AbortSignal; // stop early (the reader left)
  batch?: number; // digests in flight at once
  sliceMs?: number; // longest stretch without yielding to the page
  maxHashes?: number; // give up after this many (for calibration)
}

// PowSolution is the counter to send back and what it cost.
export interface PowSolution {
  solution: string;
  hashes: number;
}

const encoder = new TextEncoder();

// zeroBits counts the leading zero bits of a digest.
export function zeroBits(digest: ArrayBuffer): number {
  const b = new Uint8Array(digest);
  let n = 0;
  for (const byte of b) {
    if (byte != 0) return n + Math.clz32(byte) - 24;
    n += 8;
  }
  return n;
}

// nextTurn lets the page handle input and paint: a message on a channel
// runs as a new task without setTimeout's 4 ms clamp.
function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

// solvePow solves challenge; it resolves null when maxHashes ran out and
// rejects with the signal's reason when aborted.
export async function solvePow(challenge: string, opts: PowOptions = {}): Promise<PowSolution | null> {
  const difficulty = Number(challenge.split(".")[3]);
  if (!Number.isInteger(difficulty) || difficulty < 1 || difficulty > 32) throw new Error("malformed challenge");
  if (opts.engine != "webcrypto") return solveScript(challenge, difficulty, opts);
  const batch = opts.batch ?? 16;
  const sliceMs = opts.sliceMs ?? 30;
  const max = opts.maxHashes ?? Infinity;
  const prefix = encoder.encode(challenge + ":");
  let turn = performance.now();
  for (let start = 0; start < max; start += batch) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    const work: Promise<ArrayBuffer>[] = [];
    for (let n = start; n < start + batch && n < max; n++) {
      const digits = encoder.encode(String(n));
      const input = new Uint8Array(prefix.length + digits.length);
      input.set(prefix);
      input.set(digits, prefix.length);
      work.push(crypto.subtle.digest("SHA-256", input));
    }
    const digests = await Promise.all(work);
    for (let i = 0; i < digests.length; i++) {
      if (zeroBits(digests[i]) >= difficulty) return { solution: String(start + i), hashes: start + i + 1 };
    }
    if (performance.now() - turn > sliceMs) {
      await nextTurn();
      turn = performance.now();
    }
  }
  return null;
}

// solveScript is solvePow on sha256.ts: synchronous hashing in slices of
// at most sliceMs, checking the clock every 1024 hashes.
async function solveScript(challenge: string, difficulty: number, opts: PowOptions): Promise<PowSolution | null> {
  const sliceMs = opts.sliceMs ?? 30;
  const max = opts.maxHashes ?? Infinity;
  if (opts.signal?.aborted) throw opts.signal.reason;
  const h = new Prefixed(encoder.encode(challenge + ":"));
  let turn = performance.now();
  for (let n = 0; n < max; n++) {
    if (Math.clz32(h.firstWord(String(n))) >= difficulty) return { solution: String(n), hashes: n + 1 };
    if ((n & 1023) == 1023 && performance.now() - turn > sliceMs) {
      await nextTurn();
      if (opts.signal?.aborted) throw opts.signal.reason;
      turn = performance.now();
    }
  }
  return null;
}
