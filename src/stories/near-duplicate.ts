// Near-duplicate detection: MinHash over word bigrams, so agency copy and light rewrites of one report group together.

/** MinHash values per signature: the Jaccard estimate's standard error is about 0.06 at the threshold. */
export const MINHASH_SIZE = 64
/**
 * Estimated Jaccard similarity of word-bigram sets from which two reports are one development. Light rewrites of one
 * report (agency copy with a new headline, a few words changed) share half or more of their bigrams; separately written
 * reports of the same event, even on the same story, share under a fifth (measured on the fixtures' follow-ups).
 */
export const NEAR_DUPLICATE_SIMILARITY = 0.3

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

/**
 * MinHash signature of a text's distinct word bigrams (words alone for one-word texts), as MINHASH_SIZE × 8 hex
 * digits. Cost: one hash per bigram and slot; a 600-word article is about 40,000 hash steps.
 */
export function signature(text: string): string {
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

/** Estimated Jaccard similarity of the two texts' bigram sets (0..1); 0 for malformed signatures. */
export function similarity(a: string, b: string): number {
  if (a.length !== MINHASH_SIZE * 8 || b.length !== a.length) return 0
  let same = 0
  for (let i = 0; i < a.length; i += 8) if (a.slice(i, i + 8) === b.slice(i, i + 8)) same++
  return same / MINHASH_SIZE
}

/** True when two reports are one development, lightly re-worded. */
export function isNearDuplicate(a: string, b: string, minSimilarity = NEAR_DUPLICATE_SIMILARITY): boolean {
  return similarity(a, b) >= minSimilarity
}
