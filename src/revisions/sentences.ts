// Splits English news prose into paragraphs and sentences, the units the NewsEdits taxonomy counts.

// Titles that always precede a name: the full stop after them never ends a sentence.
const TITLES = new Set([
  'mr', 'mrs', 'ms', 'mx', 'messrs', 'dr', 'prof', 'sir', 'st', 'rev', 'revd', 'fr', 'gen', 'lt', 'col', 'maj', 'capt',
  'cpt', 'cdr', 'cmdr', 'adm', 'brig', 'sgt', 'cpl', 'pte', 'insp', 'supt', 'det', 'ch', 'cllr', 'gov', 'sen', 'rep',
  'hon', 'mt', 'mme', 'mlle',
])
// Abbreviations that precede a number ("No. 10", "Jan. 5", "p. 4"); before a word they may end a sentence ("He said no.").
const BEFORE_NUMBER = new Set([
  'no', 'nos', 'p', 'pp', 'vol', 'art', 'fig', 'para', 'approx', 'c', 'ca', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul',
  'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
])
// Never end a sentence: "Smith vs. Jones", "cf. the report".
const NEVER_FINAL = new Set(['vs', 'v', 'cf', 'viz'])
// After an initialism ("U.S.", "a.m.") or a lone initial ("J."), only these words are taken to start a new sentence:
// "the U.S. government" continues, "moved to the U.S. He" does not (the approach of Punkt's frequent sentence starters).
const SENTENCE_STARTERS = new Set([
  'a', 'an', 'the', 'he', 'she', 'it', 'they', 'we', 'i', 'you', 'his', 'her', 'its', 'their', 'our', 'this', 'that',
  'these', 'those', 'there', 'but', 'and', 'so', 'yet', 'however', 'meanwhile', 'in', 'on', 'at', 'after', 'before',
  'when', 'while', 'if', 'as', 'for', 'last', 'earlier', 'later', 'some', 'many', 'most', 'one', 'officials', 'police',
  'mr', 'mrs', 'ms', 'dr', 'what', 'why', 'how', 'who', 'where', 'no', 'not', 'now', 'then', 'since', 'under',
])
// A run of terminators, any closing quotes or brackets, then whitespace or the end.
const TERMINATOR = /([.?!\u2026]+)(["'\u201D\u2019)\]\u00BB]*)(?=\s|$)/g
const OPENERS = /^["'\u201C\u2018(\[\u00AB]+/
const INITIALISM = /^(?:\p{L}\.)+\p{L}$/u
const SPACE = 0x20

/** Splits a body into paragraphs: blank lines separate them; each is trimmed and empty ones are dropped. */
export function splitParagraphs(body: string): string[] {
  return body
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t\u00A0]*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
}

/**
 * Splits one paragraph of English news prose into sentences, whitespace collapsed. A full stop after a title
 * (Mr, Dr, Insp, Cllr…), "No." before a number, "vs.", "e.g."/"i.e." or a lone initial ("J. K. Rowling") does
 * not end a sentence, nor does one inside a number (£4.2m, 3.5%); an initialism (U.K., U.S.) ends one only when
 * a usual sentence starter follows. Closing quotes and brackets stay with their sentence ("…," he said. / …." She),
 * and "?", "!" or an ellipsis followed by a lowercase word ("Why?" he asked) does not split. A line break always does.
 */
export function splitSentences(paragraph: string): string[] {
  const sentences: string[] = []
  for (const rawLine of paragraph.split(/\r\n?|\n/)) {
    const line = rawLine.replace(/\s+/g, ' ').trim()
    if (line === '') continue
    let start = 0
    // exec on the shared pattern rather than matchAll, which clones the pattern for every line.
    TERMINATOR.lastIndex = 0
    for (let m = TERMINATOR.exec(line); m !== null; m = TERMINATOR.exec(line)) {
      const end = m.index + m[0].length
      if (endsSentence(line, m.index, m[1] ?? '', end)) {
        sentences.push(line.slice(start, end).trim())
        start = end
      }
    }
    const rest = line.slice(start).trim()
    if (rest !== '') sentences.push(rest)
  }
  return sentences
}

/** Whether the terminators at `at` (ending at `end`) end a sentence of `line`, whose whitespace is single spaces. */
function endsSentence(line: string, at: number, terminators: string, end: number): boolean {
  // The next word is read in place: slicing or splitting the rest of the line at every full stop is quadratic.
  let from = end
  while (line.charCodeAt(from) === SPACE) from++
  if (from >= line.length) return true
  const space = line.indexOf(' ', from)
  const nextWord = line.slice(from, space === -1 ? line.length : space).replace(OPENERS, '')
  const next = nextWord.charAt(0)
  if (next === '' || /[.?!\u2026,;:]/.test(next)) return false
  if (next !== next.toUpperCase()) return false
  if (terminators !== '.') return true
  const word = line.slice(line.lastIndexOf(' ', at - 1) + 1, at).replace(OPENERS, '')
  const lower = word.toLowerCase()
  if (TITLES.has(lower) || NEVER_FINAL.has(lower)) return false
  if (BEFORE_NUMBER.has(lower) && /\d/.test(next)) return false
  if (INITIALISM.test(word) || /^\p{Lu}$/u.test(word)) {
    return SENTENCE_STARTERS.has(nextWord.replace(/[^\p{L}]+$/u, '').toLowerCase())
  }
  return true
}
