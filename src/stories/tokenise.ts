// Splits English text into word tokens that keep their case, sentence starts and punctuation breaks.

/** One word of running text. */
export interface Token {
  /** As written, apostrophes and possessive 's removed ("Farage’s" → "Farage"). */
  word: string
  /** Lower case of `word`. */
  lower: string
  /** First word of a sentence (or of the text): its capital says nothing about being a name. */
  sentenceStart: boolean
  /** Punctuation (comma, quote, bracket, dash, full stop) between this word and the previous one. */
  breakBefore: boolean
  /** Starts with a capital letter and is not all capitals. */
  capitalised: boolean
  /** Two to six capitals, optionally with digits ("MP", "NHS", "KC", "G7"). */
  acronym: boolean
  /** Has no letter ("2024", "14"). */
  numeric: boolean
  /** Ended in 's: a name stops here ("Farage's Reform UK" is two names). */
  possessive: boolean
}

// Letters (Latin with accents), digits, and inner apostrophes, hyphens, dots and ampersands ("O'Neill", "group-based", "U.S.", "P&O").
const WORD = /[\p{L}\p{N}]+(?:['’\-‐‑.&][\p{L}\p{N}]+)*/gu
const SENTENCE_END = /[.!?]/
const BREAK = /[^\s]/
const HAS_LETTER = /\p{L}/u
const UPPER_START = /^\p{Lu}/u
const ACRONYM = /^[\p{Lu}][\p{Lu}\d&]{1,5}$/u
// Compounds whose first part is a bound prefix are one word: "sub-postmasters" = "subpostmasters", "co-operate" = "cooperate".
const BOUND_PREFIXES = new Set(['sub', 'co', 'non', 'pre', 're', 'anti', 'ex', 'mid', 'post', 'multi', 'inter', 'semi', 'un'])
// …and so are phrasal compounds: "cover-up" = "coverup", "sell-off" = "selloff".
const BOUND_SUFFIXES = new Set(['up', 'ups', 'out', 'outs', 'off', 'offs', 'in', 'ins', 'down', 'downs', 'over', 'overs', 'back', 'backs'])

function clean(raw: string): string {
  let w = raw.replace(/’/g, "'")
  if (w.endsWith("'s") || w.endsWith("'S")) w = `${w.slice(0, -2)}'`
  // Dotted abbreviations ("U.S.", "U.K.") become acronyms.
  if (/^(?:\p{L}\.)+\p{L}?$/u.test(w)) w = w.replace(/\./g, '')
  return w
}

function makeToken(raw: string, sentenceStart: boolean, breakBefore: boolean): Token {
  const possessive = raw.endsWith("'")
  const word = raw.replace(/'/g, '')
  const numeric = !HAS_LETTER.test(word)
  const acronym = !numeric && ACRONYM.test(word)
  return {
    word,
    lower: word.toLowerCase(),
    sentenceStart,
    breakBefore,
    capitalised: !acronym && UPPER_START.test(word),
    acronym,
    numeric,
    possessive,
  }
}

/** Tokenises `text`; the first token starts a sentence. Hyphenated compounds are split into their parts unless bound prefixes. */
export function tokenise(text: string): Token[] {
  const tokens: Token[] = []
  let previousEnd = 0
  let sentenceStart = true
  WORD.lastIndex = 0
  for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) {
    const gap = text.slice(previousEnd, m.index)
    previousEnd = m.index + m[0].length
    if (SENTENCE_END.test(gap) || gap.includes('\n\n')) sentenceStart = true
    const breakBefore = sentenceStart || BREAK.test(gap)
    const raw = m[0]
    const parts = /[-‐‑]/.test(raw) ? raw.split(/[-‐‑]/) : [raw]
    const first = parts[0] ?? ''
    if (parts.length === 2 && (BOUND_PREFIXES.has(first.toLowerCase()) || BOUND_SUFFIXES.has((parts[1] ?? '').toLowerCase()))) {
      tokens.push(makeToken(clean(parts.join('')), sentenceStart, breakBefore))
    } else {
      parts.forEach((part, i) => {
        const word = clean(part)
        if (word !== '') tokens.push(makeToken(word, sentenceStart && i === 0, i === 0 ? breakBefore : false))
      })
    }
    sentenceStart = false
  }
  return tokens
}
