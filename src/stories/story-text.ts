// What of an article the story matcher reads: its headline and lead, the part news writing puts the story in.
import type { ArticleRecord } from '../model/article'
import type { ArticleText } from './analyse-article'

/**
 * Words of an article's text (standfirst, then body) that are scored. News puts what an article is about first; a
 * long piece that reaches the story only in its twentieth paragraph is not a follow-up, and a follow-up says so early.
 * It also bounds the CPU of scoring a 10,000-word feature to that of a short item.
 */
export const LEAD_WORDS = 300

const WORD = /\S+/g

/** The first `words` whitespace-separated words of `text`, as written (whitespace inside kept); a shorter text whole. */
export function leadOf(text: string, words = LEAD_WORDS): string {
  WORD.lastIndex = 0
  let end = 0
  for (let n = 0; n < words; n++) {
    const m = WORD.exec(text)
    if (m === null) return text
    end = m.index + m[0].length
  }
  return WORD.exec(text) === null ? text : text.slice(0, end)
}

/** An article's headline, standfirst and body, whole: what a seed gives its profile. */
export function fullTextOf(record: ArticleRecord): ArticleText {
  const c = record.current
  return { title: c.title, text: [c.summary, c.content].filter((t) => t !== '').join('\n\n') }
}

/** An article's headline and the first LEAD_WORDS words of its standfirst and body: what is scored against stories. */
export function leadTextOf(record: ArticleRecord): ArticleText {
  const full = fullTextOf(record)
  return { title: full.title, text: leadOf(full.text) }
}
