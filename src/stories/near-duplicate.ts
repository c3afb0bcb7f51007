// Near-duplicate detection: 64-bit SimHash over word bigrams, so agency copy and light rewrites group together.

/** Hamming distance (of 64 bits) up to which two signatures are the same development, lightly re-worded. */
export const NEAR_DUPLICATE_BITS = 12

// FNV-1a, 32-bit, with a seed: two seeds give the two halves of a 64-bit feature hash without BigInt.
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  // Final avalanche (murmur3 fmix32): FNV's low bits alone are too regular for SimHash.
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b) >>> 0
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35) >>> 0
  h ^= h >>> 16
  return h >>> 0
}

function wordsOf(text: string): string[] {
  return text.toLowerCase().normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []
}

/** SimHash of a text's word bigrams (words alone for one-word texts), as 16 hex digits. */
export function signature(text: string): string {
  const words = wordsOf(text)
  const features = words.length > 1 ? words.slice(1).map((w, i) => `${words[i] ?? ''} ${w}`) : words
  const counts = new Int32Array(64)
  for (const f of features) {
    const hi = fnv1a(f, 0)
    const lo = fnv1a(f, 0x9e3779b9)
    for (let bit = 0; bit < 32; bit++) {
      counts[bit] = (counts[bit] ?? 0) + ((hi >>> bit) & 1 ? 1 : -1)
      counts[bit + 32] = (counts[bit + 32] ?? 0) + ((lo >>> bit) & 1 ? 1 : -1)
    }
  }
  let hi = 0
  let lo = 0
  for (let bit = 0; bit < 32; bit++) {
    if ((counts[bit] ?? 0) > 0) hi |= 1 << bit
    if ((counts[bit + 32] ?? 0) > 0) lo |= 1 << bit
  }
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0')
}

function popcount(x: number): number {
  let v = x >>> 0
  v -= (v >>> 1) & 0x55555555
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff
}

/** Number of differing bits between two signatures (0..64). */
export function hammingDistance(a: string, b: string): number {
  const x = (Number.parseInt(a.slice(0, 8), 16) ^ Number.parseInt(b.slice(0, 8), 16)) >>> 0
  const y = (Number.parseInt(a.slice(8, 16), 16) ^ Number.parseInt(b.slice(8, 16), 16)) >>> 0
  return popcount(x) + popcount(y)
}

/** Similarity of two signatures: 1 − differing bits / 64 (1 = same text; unrelated texts ≈ 0.5). */
export function similarity(a: string, b: string): number {
  return 1 - hammingDistance(a, b) / 64
}

/** True when two signatures differ in at most NEAR_DUPLICATE_BITS bits. */
export function isNearDuplicate(a: string, b: string, maxBits = NEAR_DUPLICATE_BITS): boolean {
  return hammingDistance(a, b) <= maxBits
}
