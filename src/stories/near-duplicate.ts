// Near-duplicate detection: MinHash over word bigrams, so agency copy and light rewrites of one report group together.

/** MinHash values per signature (a multiple of 4, see fold): the Jaccard estimate's standard error is about 0.06 at the threshold. */
export const MINHASH_SIZE = 64
/**
 * Estimated Jaccard similarity of word-bigram sets from which two reports are one development. Light rewrites of one
 * report (agency copy with a new headline, a few words changed) share half or more of their bigrams; separately written
 * reports of the same event, even on the same story, share under a fifth (measured on the fixtures' follow-ups).
 */
export const NEAR_DUPLICATE_SIMILARITY = 0.3

// Each MinHash slot hashes a feature with FNV-1a (32-bit) started from its own seed, then a murmur3 finaliser:
// h = 0x811c9dc5 ^ seed; for each UTF-16 unit c: h = (h ^ c) * FNV_PRIME; then fmix32(h). Stored signatures were made
// this way, so the constants and the order of the steps must never change (test/support/near-duplicate-reference.ts).
const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193
const SPACE = 0x20

const SEEDS = Array.from({ length: MINHASH_SIZE }, (_, i) => Math.imul(i + 1, 0x9e3779b9) >>> 0)
/** Every slot's FNV state before the first character. */
const INITIAL = Int32Array.from(SEEDS, (seed) => FNV_OFFSET ^ seed)

function wordsOf(text: string): string[] {
  return text.toLowerCase().normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []
}

/**
 * MinHash signature of a text's distinct word bigrams (words alone for one-word texts), as MINHASH_SIZE × 8 hex
 * digits. FNV reads left to right, so each distinct word's states after "word " are computed once and every bigram
 * starting with it feeds only its second word; a repeated bigram is skipped (it cannot lower a minimum). Each slot's
 * state stays in a local across a word's characters, which are read from a typed array. Cost: one state step per slot
 * for each character of each distinct word and of each distinct bigram's second word (a 600-word article: ~400,000).
 */
export function signature(text: string): string {
  const words = wordsOf(text)
  const minima = new Uint32Array(MINHASH_SIZE).fill(0xffffffff)
  if (words.length > 0) {
    // Distinct words, numbered in order of appearance, with their UTF-16 units in one array.
    const ids = new Map<string, number>()
    const wordIds = new Uint32Array(words.length)
    const starts: number[] = []
    let units = 0
    words.forEach((word, i) => {
      let id = ids.get(word)
      if (id === undefined) {
        ids.set(word, (id = ids.size))
        starts.push(units)
        units += word.length
      }
      wordIds[i] = id
    })
    starts.push(units)
    const codes = new Uint16Array(units)
    for (const [word, id] of ids) {
      const at = starts[id] ?? 0
      for (let i = 0; i < word.length; i++) codes[at + i] = word.charCodeAt(i)
    }
    if (words.length === 1) {
      fold(INITIAL, 0, codes, 0, units, minima)
    } else {
      const distinct = ids.size
      // States after "word " per distinct word that starts a bigram, filled on first use.
      const prefixes = new Int32Array(distinct * MINHASH_SIZE)
      const ready = new Uint8Array(distinct)
      const pairs = new Set<number>()
      for (let i = 1; i < words.length; i++) {
        const first = wordIds[i - 1] ?? 0
        const second = wordIds[i] ?? 0
        const pair = first * distinct + second
        if (pairs.has(pair)) continue
        pairs.add(pair)
        if (ready[first] === 0) {
          ready[first] = 1
          prefix(prefixes, first * MINHASH_SIZE, codes, starts[first] ?? 0, starts[first + 1] ?? 0)
        }
        fold(prefixes, first * MINHASH_SIZE, codes, starts[second] ?? 0, starts[second + 1] ?? 0, minima)
      }
    }
  }
  let out = ''
  for (const m of minima) out += m.toString(16).padStart(8, '0')
  return out
}

// Slots are hashed four at a time: each FNV step waits on the multiply before it, so one slot at a time leaves the CPU
// idle between steps, while four independent chains keep it busy (about 1.6× faster than one).

/** Writes to `out[at…]` every slot's FNV state after the units `codes[from…to)` and a space, from the initial states. */
function prefix(out: Int32Array, at: number, codes: Uint16Array, from: number, to: number): void {
  for (let k = 0; k < MINHASH_SIZE; k += 4) {
    let h0 = INITIAL[k] ?? 0
    let h1 = INITIAL[k + 1] ?? 0
    let h2 = INITIAL[k + 2] ?? 0
    let h3 = INITIAL[k + 3] ?? 0
    for (let i = from; i < to; i++) {
      const c = codes[i] ?? 0
      h0 = Math.imul(h0 ^ c, FNV_PRIME)
      h1 = Math.imul(h1 ^ c, FNV_PRIME)
      h2 = Math.imul(h2 ^ c, FNV_PRIME)
      h3 = Math.imul(h3 ^ c, FNV_PRIME)
    }
    out[at + k] = Math.imul(h0 ^ SPACE, FNV_PRIME)
    out[at + k + 1] = Math.imul(h1 ^ SPACE, FNV_PRIME)
    out[at + k + 2] = Math.imul(h2 ^ SPACE, FNV_PRIME)
    out[at + k + 3] = Math.imul(h3 ^ SPACE, FNV_PRIME)
  }
}

/**
 * Continues every slot's FNV state `states[at + k]` with the units `codes[from…to)`, finalises it and keeps the smaller
 * of it and the slot's minimum so far.
 */
function fold(states: Int32Array, at: number, codes: Uint16Array, from: number, to: number, minima: Uint32Array): void {
  for (let k = 0; k < MINHASH_SIZE; k += 4) {
    let h0 = states[at + k] ?? 0
    let h1 = states[at + k + 1] ?? 0
    let h2 = states[at + k + 2] ?? 0
    let h3 = states[at + k + 3] ?? 0
    for (let i = from; i < to; i++) {
      const c = codes[i] ?? 0
      h0 = Math.imul(h0 ^ c, FNV_PRIME)
      h1 = Math.imul(h1 ^ c, FNV_PRIME)
      h2 = Math.imul(h2 ^ c, FNV_PRIME)
      h3 = Math.imul(h3 ^ c, FNV_PRIME)
    }
    keepMin(minima, k, fmix32(h0))
    keepMin(minima, k + 1, fmix32(h1))
    keepMin(minima, k + 2, fmix32(h2))
    keepMin(minima, k + 3, fmix32(h3))
  }
}

/** murmur3's 32-bit finaliser, as an unsigned value. */
function fmix32(state: number): number {
  let h = state ^ (state >>> 16)
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

function keepMin(minima: Uint32Array, slot: number, h: number): void {
  if (h < (minima[slot] ?? 0)) minima[slot] = h
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
