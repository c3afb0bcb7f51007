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

// Compounds whose first part is a bound prefix are one word: "sub-postmasters" = "subpostmasters", "co-operate" = "cooperate".
const BOUND_PREFIXES = new Set(['sub', 'co', 'non', 'pre', 're', 'anti', 'ex', 'mid', 'post', 'multi', 'inter', 'semi', 'un'])
// …and so are phrasal compounds: "cover-up" = "coverup", "sell-off" = "selloff".
const BOUND_SUFFIXES = new Set(['up', 'ups', 'out', 'outs', 'off', 'offs', 'in', 'ins', 'down', 'downs', 'over', 'overs', 'back', 'backs'])

function makeToken(raw: string, sentenceStart: boolean, breakBefore: boolean): Token {
  let word = raw
  let possessive = false
  if (word.includes("'") || word.includes('’')) {
    word = word.replace(/’/g, "'")
    if (word.endsWith("'s") || word.endsWith("'S")) {
      word = word.slice(0, -2)
      possessive = true
    }
    word = word.replace(/'/g, '')
  }
  // Dotted abbreviations ("U.S.", "U.K.") become acronyms; other inner dots ("gov.uk") just go.
  if (word.includes('.')) word = word.replace(/\./g, '')
  const lower = word.toLowerCase()
  let letters = 0
  let upper = 0
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i)
    if (c >= 97 && c <= 122) letters++
    else if (c >= 65 && c <= 90) {
      letters++
      upper++
    } else if (c >= 128) {
      const ch = word.charAt(i)
      if (ch !== lower.charAt(i)) {
        letters++
        upper++
      } else if (ch !== ch.toUpperCase()) letters++
    }
  }
  const numeric = letters === 0
  const firstUpper = word.length > 0 && word.charAt(0) !== lower.charAt(0)
  const acronym = !numeric && firstUpper && upper === letters && word.length >= 2 && word.length <= 6
  return { word, lower, sentenceStart, breakBefore, capitalised: firstUpper && !acronym, acronym, numeric, possessive }
}

/** makeToken for a word of ASCII letters and digits only, whose letters the scanner has already counted. */
function plainToken(word: string, letters: number, upper: number, sentenceStart: boolean, breakBefore: boolean): Token {
  const lower = upper === 0 ? word : word.toLowerCase()
  const numeric = letters === 0
  const c = word.charCodeAt(0)
  const firstUpper = c >= 65 && c <= 90
  const acronym = !numeric && firstUpper && upper === letters && word.length >= 2 && word.length <= 6
  return { word, lower, sentenceStart, breakBefore, capitalised: firstUpper && !acronym, acronym, numeric, possessive: false }
}

const NON_ASCII_WORD_CHAR = /[\p{L}\p{N}]/u
// Whether each non-ASCII code unit is a word character, decided once per code unit (0 unknown, 1 yes, 2 no): the
// Unicode regex is the slow part of scanning text full of curly quotes and dashes.
const NON_ASCII_CLASS = new Uint8Array(65_536)

// A hand-written scanner over code units: several times faster than a regex per token, and faster than one global regex.
function isWordChar(c: number, text: string, i: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)
  let known = NON_ASCII_CLASS[c]
  if (known === 0) NON_ASCII_CLASS[c] = known = NON_ASCII_WORD_CHAR.test(text.charAt(i)) ? 1 : 2
  return known === 1
}

// Joiners inside a word: apostrophes, hyphens (ASCII, U+2010, U+2011), dots ("U.S.") and ampersands ("P&O").
function isJoiner(c: number): boolean {
  return c === 39 || c === 0x2019 || c === 45 || c === 0x2010 || c === 0x2011 || c === 46 || c === 38
}

function isHyphen(c: number): boolean {
  return c === 45 || c === 0x2010 || c === 0x2011
}

/** Tokenises `text`; the first token starts a sentence. Hyphenated compounds are split into their parts unless bound. */
export function tokenise(text: string): Token[] {
  const tokens: Token[] = []
  let sentenceStart = true
  let breakBefore = true
  let newlines = 0
  const n = text.length
  let i = 0
  while (i < n) {
    const c = text.charCodeAt(i)
    if (!isWordChar(c, text, i)) {
      if (c === 46 || c === 33 || c === 63) sentenceStart = true
      if (c === 10) {
        if (++newlines >= 2) sentenceStart = true
      } else if (c !== 32 && c !== 9 && c !== 13 && c !== 160) breakBefore = true
      i++
      continue
    }
    // Plain ASCII letters and digits (most words) are classified here, in the same pass that finds the word's end.
    let plain = c < 128
    let letters = 0
    let upper = 0
    if (c >= 97) letters++
    else if (c >= 65) letters = upper = 1
    let end = i + 1
    let hyphenated = false
    while (end < n) {
      const d = text.charCodeAt(end)
      if (d < 128 && ((d >= 97 && d <= 122) || (d >= 65 && d <= 90) || (d >= 48 && d <= 57))) {
        if (d >= 97) letters++
        else if (d >= 65) {
          letters++
          upper++
        }
        end++
      } else if (d >= 128 && isWordChar(d, text, end)) {
        plain = false
        end++
      } else if (isJoiner(d) && end + 1 < n && isWordChar(text.charCodeAt(end + 1), text, end + 1)) {
        if (isHyphen(d)) hyphenated = true
        plain = false
        end += 2
      } else break
    }
    const raw = text.slice(i, end)
    const brk = breakBefore || sentenceStart
    if (plain) {
      tokens.push(plainToken(raw, letters, upper, sentenceStart, brk))
    } else if (!hyphenated) {
      tokens.push(makeToken(raw, sentenceStart, brk))
    } else {
      const parts = raw.split(/[-\u2010\u2011]/)
      const first = (parts[0] ?? '').toLowerCase()
      if (parts.length === 2 && (BOUND_PREFIXES.has(first) || BOUND_SUFFIXES.has((parts[1] ?? '').toLowerCase()))) {
        tokens.push(makeToken(parts.join(''), sentenceStart, brk))
      } else {
        parts.forEach((part, k) => {
          if (part !== '') tokens.push(makeToken(part, sentenceStart && k === 0, k === 0 ? brk : false))
        })
      }
    }
    sentenceStart = false
    breakBefore = false
    newlines = 0
    i = end
  }
  return tokens
}
