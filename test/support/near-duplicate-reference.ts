// The original MinHash signature, frozen: signatures are stored in story clusters and compared across versions, so the
// faster signature() in src/stories/near-duplicate.ts must give the same output byte for byte (property-near-duplicate.test.ts).

const MINHASH_SIZE = 64

// FNV-1a, 32-bit, seeded, with a murmur3 finaliser: one independent hash per MinHash slot.
function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b) >>> 0
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35) >>> 0
  h ^= h >>> 16
  return h >>> 0
}

const SEEDS = Array.from({ length: MINHASH_SIZE }, (_, i) => Math.imul(i + 1, 0x9e3779b9) >>> 0)

function wordsOf(text: string): string[] {
  return text.toLowerCase().normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []
}

/** The original signature(): MinHash of a text's distinct word bigrams (words alone for one-word texts), 512 hex digits. */
export function referenceSignature(text: string): string {
  const words = wordsOf(text)
  const features = new Set(words.length > 1 ? words.slice(1).map((w, i) => `${words[i] ?? ''} ${w}`) : words)
  const minima = new Uint32Array(MINHASH_SIZE).fill(0xffffffff)
  for (const feature of features) {
    for (let slot = 0; slot < MINHASH_SIZE; slot++) {
      const h = hash32(feature, SEEDS[slot] ?? 0)
      if (h < (minima[slot] ?? 0)) minima[slot] = h
    }
  }
  let out = ''
  for (const m of minima) out += m.toString(16).padStart(8, '0')
  return out
}
