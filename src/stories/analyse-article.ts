// One pass over an article's title and text: weighted stems, adjacent-stem phrases and named entities.
import { STOPWORDS } from './stopwords'
import { stem } from './stem'
import { tokenise, type Token } from './tokenise'
import { entityAt, knownNamesOf } from './extract-entities'
import { countriesOf } from './locale'

/** A headline word counts as this many body words: headlines state what the article is about. */
export const TITLE_WEIGHT = 3
// Headlines in Title Case capitalise every word, so capitals there say nothing about names.
const TITLE_CASE_SHARE = 0.75

/** What scoring and profiles need from a text. Counts are weighted (a headline word counts TITLE_WEIGHT). */
export interface ArticleAnalysis {
  /** Stem → weighted count, names excluded. */
  terms: Map<string, number>
  /** Weighted number of topical words (the length BM25 normalises by). */
  length: number
  /** Adjacent topical stems ("groom gang") → weighted count. */
  phrases: Map<string, number>
  /** Entity key → weighted count. */
  entities: Map<string, number>
  /** Every entity key plus the distinctive words of multi-word names, for matching "Farage" to "nigel farage". */
  names: Set<string>
  /** Country codes the text names ("gb", "au") → weighted mentions; filled on first use by countriesOfArticle. */
  countries: Map<string, number> | null
  /** Surface forms of stems, phrases and entities (first seen); only when asked for. */
  labels: Map<string, string> | null
}

/** Title and body of an article or seed. */
export interface ArticleText {
  title: string
  text: string
}

function isTitleCase(tokens: readonly Token[]): boolean {
  let content = 0
  let capitalised = 0
  for (const t of tokens) {
    if (t.numeric || t.lower.length < 4 || STOPWORDS.has(t.lower)) continue
    content++
    if (t.capitalised || t.acronym) capitalised++
  }
  return content >= 3 && capitalised / content >= TITLE_CASE_SHARE
}

// Lower-case word → its stem, or '' for a word that is never a term (a stopword, a single letter): one lookup per word.
const TERM_CACHE_LIMIT = 50_000 // as the stemmer's cache: bounds memory in a long-lived isolate
const termCache = new Map<string, string>()

function termOf(lower: string): string {
  const hit = termCache.get(lower)
  if (hit !== undefined) return hit
  const term = lower.length < 2 || STOPWORDS.has(lower) ? '' : stem(lower)
  if (termCache.size >= TERM_CACHE_LIMIT) termCache.clear()
  termCache.set(lower, term)
  return term
}

class Analyser {
  readonly result: ArticleAnalysis
  private previous: string | null = null

  constructor(withLabels: boolean) {
    this.result = { terms: new Map(), length: 0, phrases: new Map(), entities: new Map(), names: new Set(), countries: null, labels: withLabels ? new Map() : null }
  }

  breakPhrase(): void {
    this.previous = null
  }

  word(t: Token, weight: number): void {
    const s = t.numeric ? '' : termOf(t.lower)
    if (s === '') {
      this.breakPhrase()
      return
    }
    if (t.breakBefore) this.breakPhrase()
    const lower = t.lower
    const r = this.result
    r.terms.set(s, (r.terms.get(s) ?? 0) + weight)
    r.length += weight
    if (r.labels !== null && !r.labels.has(s)) r.labels.set(s, lower)
    // Bigrams only: trigrams doubled the cost of analysis and added little a bigram did not already say.
    if (this.previous !== null) {
      const bigram = `${this.previous} ${s}`
      r.phrases.set(bigram, (r.phrases.get(bigram) ?? 0) + weight)
    }
    this.previous = s
  }

  entity(key: string, label: string, aliases: readonly string[], weight: number): void {
    const r = this.result
    r.entities.set(key, (r.entities.get(key) ?? 0) + weight)
    r.names.add(key)
    for (const alias of aliases) r.names.add(alias)
    if (r.labels !== null && !r.labels.has(`@${key}`)) r.labels.set(`@${key}`, label)
    this.breakPhrase()
  }

  run(tokens: readonly Token[], weight: number, knownNames: ReadonlySet<string>, findEntities: boolean): void {
    this.breakPhrase()
    for (let i = 0; i < tokens.length; ) {
      const t = tokens[i] as Token
      if (!t.capitalised && !t.acronym) {
        this.word(t, weight)
        i++
        continue
      }
      if (!findEntities) {
        // A Title Case headline: only words the body treats as names are names.
        if (knownNames.has(t.lower) || (t.acronym && !STOPWORDS.has(t.lower))) this.entity(t.lower, t.word, [], weight)
        else this.word(t, weight)
        i++
        continue
      }
      const span = entityAt(tokens, i, knownNames)
      if (span === null) {
        this.word(t, weight)
        i++
        continue
      }
      for (let j = i; j < span.start; j++) this.word(tokens[j] as Token, weight)
      this.entity(span.key, span.label, span.aliases, weight)
      i = span.end
    }
  }
}

/**
 * Analyses an article (title weighted TITLE_WEIGHT, body 1). Run it once per article and score the result against
 * every story. `withLabels` keeps surface forms, which profiles need and scoring does not.
 */
export function analyseArticle(article: ArticleText, withLabels = false): ArticleAnalysis {
  const analyser = new Analyser(withLabels)
  const body = tokenise(article.text)
  const title = tokenise(article.title)
  const knownNames = knownNamesOf(body)
  const titleCase = isTitleCase(title)
  if (!titleCase) for (const name of knownNamesOf(title)) knownNames.add(name)
  analyser.run(title, TITLE_WEIGHT, knownNames, !titleCase)
  analyser.run(body, 1, knownNames, true)
  return analyser.result
}

/** The countries an analysed article names (computed once, on first use: most articles never need it). */
export function countriesOfArticle(a: ArticleAnalysis): Map<string, number> {
  a.countries ??= countriesOf(a.entities, a.terms)
  return a.countries
}
