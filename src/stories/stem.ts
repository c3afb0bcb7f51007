// A light English stemmer (plurals, -ed/-ing, a few derivational suffixes, -ise/-ize): consistent, not linguistic.

// A stem is only a key: it must be the same for "abuse", "abused" and "abusing", not a real word.
const CACHE_LIMIT = 50_000 // bounds memory in a long-lived isolate; feeds repeat the same few thousand words
const cache = new Map<string, string>()

// Words whose final -s is not a plural, or whose suffix is part of the root.
const INVARIANT = new Set([
  'news', 'series', 'species', 'bus', 'gas', 'yes', 'this', 'its', 'his', 'has', 'was', 'is', 'us', 'thus', 'always',
  'perhaps', 'whereas', 'analysis', 'crisis', 'basis', 'thesis', 'chaos', 'lens', 'atlas', 'bias', 'alias', 'canvas',
  'during', 'thing', 'nothing', 'something', 'anything', 'everything', 'king', 'ring', 'wing', 'spring', 'string', 'sing',
  'bring', 'morning', 'evening', 'ceiling', 'sterling', 'bed', 'red', 'shed', 'need', 'seed', 'feed', 'speed', 'weed', 'greed',
])

// British and American spellings, and the two spellings of inquiry, share one stem.
const VARIANTS: [prefix: string, replacement: string][] = [['enquir', 'inquir']]

const VOWEL = /[aeiouy]/
const DOUBLE_CONSONANT = /([bcdfgkmnprtvw])\1$/

function stripPlural(w: string): string {
  if (w.length <= 3 || INVARIANT.has(w)) return w
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`
  if (w.endsWith('sses')) return w.slice(0, -2)
  if (/(?:ches|shes|xes|zzes)$/.test(w)) return w.slice(0, -2)
  if (w.endsWith('s') && !/(?:ss|us|is|ous)$/.test(w)) return w.slice(0, -1)
  return w
}

function stripInflection(w: string): string {
  if (INVARIANT.has(w)) return w
  for (const suffix of ['ingly', 'edly', 'ing', 'ed']) {
    if (!w.endsWith(suffix)) continue
    const root = w.slice(0, -suffix.length)
    if (root.length < 3 || !VOWEL.test(root)) return w
    if (/(?:at|bl|iz|is|us|ur|ov|uc|rc|nc|rg|ng)$/.test(root) && suffix !== 'ingly' && suffix !== 'edly') return `${root}e`
    if (DOUBLE_CONSONANT.test(root)) return root.slice(0, -1)
    return root
  }
  if (w.endsWith('ly') && w.length > 5) return w.slice(0, -2)
  return w
}

function stripDerivation(w: string): string {
  if (w.length < 7) return w
  for (const [suffix, replacement] of [
    ['isation', 'ise'], ['ization', 'ize'], ['ational', 'ate'], ['ation', 'ate'], ['ations', 'ate'],
    ['ness', ''], ['ments', ''], ['ment', ''], ['ities', ''], ['ity', ''], ['ators', 'ate'], ['ator', 'ate'],
  ] as const) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 4) return w.slice(0, -suffix.length) + replacement
  }
  return w
}

function stemUncached(word: string): string {
  let w = stripDerivation(stripInflection(stripPlural(word)))
  if (w.length > 6 && w.endsWith('ate')) w = w.slice(0, -3)
  if (w.endsWith('iz') || w.endsWith('yz')) w = `${w.slice(0, -2)}${w.charAt(w.length - 2)}s`
  else if (w.endsWith('ize') || w.endsWith('yze')) w = `${w.slice(0, -3)}${w.charAt(w.length - 3)}se`
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1)
  if (w.endsWith('y') && w.length > 4) w = `${w.slice(0, -1)}i`
  for (const [prefix, replacement] of VARIANTS) if (w.startsWith(prefix)) w = replacement + w.slice(prefix.length)
  return w
}

/** The stem of a lower-case word: "gangs" → "gang", "grooming" → "groom", "inquiries" → "inquiri". Memoised. */
export function stem(word: string): string {
  const hit = cache.get(word)
  if (hit !== undefined) return hit
  const result = word.length <= 3 ? word : stemUncached(word)
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(word, result)
  return result
}
