// The original splitSentences, frozen: the faster one in src/revisions/sentences.ts must split every text the same way,
// since stored revisions were classified with it (property-sentences.test.ts).

const TITLES = new Set([
  'mr', 'mrs', 'ms', 'mx', 'messrs', 'dr', 'prof', 'sir', 'st', 'rev', 'revd', 'fr', 'gen', 'lt', 'col', 'maj', 'capt',
  'cpt', 'cdr', 'cmdr', 'adm', 'brig', 'sgt', 'cpl', 'pte', 'insp', 'supt', 'det', 'ch', 'cllr', 'gov', 'sen', 'rep',
  'hon', 'mt', 'mme', 'mlle',
])
const BEFORE_NUMBER = new Set([
  'no', 'nos', 'p', 'pp', 'vol', 'art', 'fig', 'para', 'approx', 'c', 'ca', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul',
  'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
])
const NEVER_FINAL = new Set(['vs', 'v', 'cf', 'viz'])
const SENTENCE_STARTERS = new Set([
  'a', 'an', 'the', 'he', 'she', 'it', 'they', 'we', 'i', 'you', 'his', 'her', 'its', 'their', 'our', 'this', 'that',
  'these', 'those', 'there', 'but', 'and', 'so', 'yet', 'however', 'meanwhile', 'in', 'on', 'at', 'after', 'before',
  'when', 'while', 'if', 'as', 'for', 'last', 'earlier', 'later', 'some', 'many', 'most', 'one', 'officials', 'police',
  'mr', 'mrs', 'ms', 'dr', 'what', 'why', 'how', 'who', 'where', 'no', 'not', 'now', 'then', 'since', 'under',
])
const TERMINATOR = /([.?!\u2026]+)(["'\u201D\u2019)\]\u00BB]*)(?=\s|$)/g
const OPENERS = /^["'\u201C\u2018(\[\u00AB]+/
const INITIALISM = /^(?:\p{L}\.)+\p{L}$/u

/** The original splitSentences (see src/revisions/sentences.ts for the rules). */
export function referenceSplitSentences(paragraph: string): string[] {
  const sentences: string[] = []
  for (const rawLine of paragraph.split(/\r\n?|\n/)) {
    const line = rawLine.replace(/\s+/g, ' ').trim()
    if (line === '') continue
    let start = 0
    for (const m of line.matchAll(TERMINATOR)) {
      const end = (m.index ?? 0) + m[0].length
      if (endsSentence(line, m.index ?? 0, m[1] ?? '', end)) {
        sentences.push(line.slice(start, end).trim())
        start = end
      }
    }
    const rest = line.slice(start).trim()
    if (rest !== '') sentences.push(rest)
  }
  return sentences
}

function endsSentence(line: string, at: number, terminators: string, end: number): boolean {
  const rest = line.slice(end).trimStart()
  if (rest === '') return true
  const nextWord = (rest.split(' ')[0] ?? '').replace(OPENERS, '')
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
