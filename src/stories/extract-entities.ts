// Named entities from tokens: runs of capitalised words and acronyms, with titles stripped and surnames as aliases.
import { isCommonWord } from './background-df'
import type { Token } from './tokenise'

/** One name found at a token position. */
export interface EntitySpan {
  /** Index of the first token of the name (after `i` when a sentence's first word is not part of it). */
  start: number
  /** Index after the last token of the name. */
  end: number
  /** Lower-case key ("nigel farage", "post office"). */
  key: string
  /** As written, titles removed ("Nigel Farage"). */
  label: string
  /** Distinctive single words of a multi-word name ("farage"): a later "Farage" alone is the same person. */
  aliases: string[]
}

// Lower-case words that join two capitalised words into one name: "Bank of England", "Ursula von der Leyen".
const PARTICLES = new Set(['of', 'de', 'del', 'della', 'di', 'da', 'du', 'des', 'la', 'le', 'van', 'von', 'der', 'den', 'bin', 'al', 'el'])
// Honorifics and ranks before a name; the name is the same person without them.
const HONORIFICS = new Set([
  'lord', 'lady', 'baroness', 'baron', 'sir', 'dame', 'dr', 'mr', 'mrs', 'ms', 'miss', 'prof', 'professor', 'rev', 'reverend',
  'judge', 'justice', 'king', 'queen', 'prince', 'princess', 'cllr', 'councillor', 'mayor', 'president', 'senator', 'rep',
  'det', 'detective', 'insp', 'inspector', 'supt', 'superintendent', 'sgt', 'sergeant', 'pc', 'chief', 'constable', 'general',
  'captain', 'commissioner', 'chair', 'chairman', 'chairwoman', 'bishop', 'archbishop', 'saint', 'st',
])
// Office titles: "Home Secretary Yvette Cooper" is Yvette Cooper.
const OFFICE_WORDS = new Set(['secretary', 'minister', 'chancellor', 'attorney', 'solicitor', 'speaker', 'leader'])
// Titles inside a run of capitalised words: "US President Donald Trump", "Boeing CEO Dave Calhoun", "Rotherham MP Sarah
// Champion" name the person after the title (the country, company or seat before it is another name).
const TITLES_WITHIN = new Set([
  ...OFFICE_WORDS, 'president', 'ceo', 'mp', 'mep', 'msp', 'administrator', 'director', 'governor', 'spokesman', 'spokeswoman',
  'chair', 'chairman', 'chairwoman', 'commissioner', 'senator', 'mayor', 'general', 'minister',
])
// After a name: "Tom Crowther KC", "Jess Phillips MP".
const POSTNOMINALS = new Set(['kc', 'qc', 'mp', 'mps', 'mep', 'msp', 'ms', 'am', 'jp', 'cbe', 'obe', 'mbe', 'frs', 'phd', 'jr', 'sr'])

function isNameWord(t: Token): boolean {
  return (t.capitalised || t.acronym) && !t.numeric
}

/**
 * The name starting at `tokens[i]`, or null. `knownNames` holds lower-case words seen capitalised mid-sentence in the
 * same text, which is what makes a sentence's first word a name ("Farage said…") rather than an ordinary word.
 */
export function entityAt(tokens: readonly Token[], i: number, knownNames: ReadonlySet<string>): EntitySpan | null {
  const first = tokens[i]
  if (first === undefined || !isNameWord(first)) return null
  let end = i + 1
  while (end < tokens.length) {
    const t = tokens[end]
    if (t === undefined || t.breakBefore || tokens[end - 1]?.possessive === true) break
    if (isNameWord(t)) {
      end++
      continue
    }
    const after = tokens[end + 1]
    if (PARTICLES.has(t.word) && after !== undefined && !after.breakBefore && after.capitalised) {
      end += 2
      continue
    }
    break
  }
  let start = i
  // A sentence's first word is capitalised anyway: it belongs to the name only if the text uses it as one.
  if (first.sentenceStart && !first.acronym && (isCommonWord(first.lower) || first.lower.length < 2) && !knownNames.has(first.lower)) start++
  let words = tokens.slice(start, end)
  if (words.length === 0) return null
  const full = words
  // "Head of Boeing", "Princess of Wales": a common first word or an honorific dropped leaves the particle that joined
  // it, which is no part of a name.
  const dropParticles = () => {
    while (words.length > 1 && PARTICLES.has(words[0]?.lower ?? '')) words = words.slice(1)
  }
  dropParticles()
  while (words.length > 1 && HONORIFICS.has(words[0]?.lower ?? '')) words = words.slice(1)
  dropParticles()
  let within = -1
  for (let k = 1; k < words.length - 1; k++) if (TITLES_WITHIN.has(words[k]?.lower ?? '')) within = k
  if (within > 0) words = words.slice(within + 1)
  const office = words.findIndex((w) => OFFICE_WORDS.has(w.lower))
  if (office >= 0 && office < words.length - 1) words = words.slice(office + 1)
  // An office on its own ("the Home Secretary", "Prime Minister") names whoever holds it, in every story they touch:
  // its words are ordinary terms, not a name.
  else if (office === words.length - 1) return null
  while (words.length > 1 && POSTNOMINALS.has(words[words.length - 1]?.lower ?? '')) words = words.slice(0, -1)
  if (words.length === 1) {
    const only = words[0] as Token
    if (full.length > 1 && isCommonWord(only.lower)) return null
    else if (POSTNOMINALS.has(only.lower)) return null
    else if (only.acronym) {
      // Acronyms are names even mid-headline ("NHS", "BBC").
    } else if (isCommonWord(only.lower) || only.lower.length < 3) return null
    else if (only.sentenceStart && !knownNames.has(only.lower)) return null
  }
  const key = words.map((w) => w.lower).join(' ')
  const label = words.map((w) => w.word).join(' ')
  const aliases: string[] = []
  if (words.length > 1) {
    for (const w of words) {
      if (!w.acronym && w.lower.length >= 3 && !PARTICLES.has(w.lower) && !isCommonWord(w.lower)) aliases.push(w.lower)
    }
  }
  return { start, end, key, label, aliases }
}

/** The lower-case words a text capitalises mid-sentence: evidence they are names wherever they appear. */
export function knownNamesOf(tokens: readonly Token[]): Set<string> {
  const names = new Set<string>()
  for (const t of tokens) if ((t.capitalised || t.acronym) && !t.sentenceStart && !isCommonWord(t.lower)) names.add(t.lower)
  return names
}
