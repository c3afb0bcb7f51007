// Scores one article against one story profile: topical evidence (terms, phrases) first, entities only on top of it.
import { analyseArticle, type ArticleAnalysis, type ArticleText } from './analyse-article'
import type { Background } from './background-df'
import { lexicalCoverage, SEED_FLOOR, type TermContribution } from './lexical-score'
import { entityIdf, evidenceOf, meanIdfSquared, type StoryProfile } from './story-profile'

/** Why an article scored as it did: the profile terms, entities and phrases it shares, strongest first. */
export interface MatchExplanation {
  terms: { term: string; weight: number }[]
  entities: string[]
  phrases: string[]
  /** The exclude keyword that vetoed the match, if any. */
  excludedBy?: string
}

/** The decision on one article for one story. */
export interface StoryMatch {
  /** 0..1; the profile's threshold (0.5 by default) separates follow-ups from the rest. */
  score: number
  matched: boolean
  explanation: MatchExplanation
  /** The parts the score is made of, for tuning and tests. */
  parts: { lexical: number; phrases: number; entities: number; keyword: boolean; elsewhere: boolean }
}

// Weights of the evidence, in units of "a typical seed passage's lexical coverage" (lexical = 1).
const PHRASE_WEIGHT = 0.3
const ENTITY_WEIGHT = 0.3
// Entities can add at most this share of the topical evidence: the same people in another story are not the story.
const ENTITY_CAP = 0.5
const KEYWORD_BOOST = 0.3
// An article about other countries only (named in its headline or twice) keeps this share of its evidence.
const FOREIGN_PENALTY = 0.35
const FOREIGN_MENTIONS = 2
// The logistic that maps evidence to a score: half-way at MIDPOINT (an article with half the topical evidence of a
// seed passage, plus a little more), steep enough that clear cases are near 0 or 1.
const MIDPOINT = 0.45
const SLOPE = 6
// Entities: an article naming the top few of a story's people and organisations has all the entity evidence there is.
const ENTITY_TOP = 3
const EXPLAIN_TERMS = 8

/** True when the article is about other countries than the story's: it names one prominently and none of the story's. */
function isElsewhere(profile: StoryProfile, a: ArticleAnalysis): boolean {
  if (profile.countries.length === 0) return false
  let foreign = false
  for (const [code, count] of a.countries) {
    if (profile.countries.includes(code)) return false
    if (count >= FOREIGN_MENTIONS) foreign = true
  }
  return foreign
}

function hasKey(article: ArticleAnalysis, key: string): boolean {
  return key.includes(' ') ? article.phrases.has(key) || article.names.has(key) : article.terms.has(key) || article.names.has(key)
}

/**
 * Scores an article (or its analysis, to share one analysis across stories) against a profile. The score is a
 * logistic of lexical + 0.3·phrases + min(0.3·entities, 0.5·topical) (+0.3 on a keyword hit); an exclude keyword
 * vetoes. Pure: `background` supplies IDFs.
 */
export function scoreArticle(profile: StoryProfile, article: ArticleText | ArticleAnalysis, background: Background): StoryMatch {
  const a = 'terms' in article ? article : analyseArticle(article)
  const contributions: TermContribution[] = []
  const lexical = lexicalCoverage(profile, a, background, contributions) / profile.reference
  for (const c of contributions) c.weight /= profile.reference

  let phraseMatched = 0
  let phraseTop = 0
  const phrases: string[] = []
  for (const p of profile.phrases) {
    const w = evidenceOf(p, SEED_FLOOR) * meanIdfSquared(p.key, background)
    phraseTop = Math.max(phraseTop, w)
    if (a.phrases.has(p.key)) {
      phraseMatched += w
      phrases.push(p.label)
    }
  }
  const phraseScore = phraseTop > 0 ? Math.min(1, phraseMatched / phraseTop) : 0

  const entityWeights: number[] = []
  let entityMatched = 0
  const entities: string[] = []
  for (const e of profile.entities) {
    const w = evidenceOf(e, SEED_FLOOR) * entityIdf(e.key, background)
    entityWeights.push(w)
    if (a.names.has(e.key) || (e.alias !== null && a.names.has(e.alias))) {
      entityMatched += w
      entities.push(e.label)
    }
  }
  entityWeights.sort((x, y) => y - x)
  const entityTop = entityWeights.slice(0, ENTITY_TOP).reduce((s, w) => s + w, 0)
  const entityScore = entityTop > 0 ? Math.min(1, entityMatched / entityTop) : 0

  const keyword = profile.keywords.some((k) => hasKey(a, k))
  const excludedBy = profile.excludeKeywords.find((k) => hasKey(a, k))
  const topical = lexical + PHRASE_WEIGHT * phraseScore
  const foreign = isElsewhere(profile, a)
  const evidence = (topical + Math.min(ENTITY_WEIGHT * entityScore, ENTITY_CAP * topical) + (keyword ? KEYWORD_BOOST : 0)) * (foreign ? FOREIGN_PENALTY : 1)
  const score = excludedBy !== undefined ? 0 : 1 / (1 + Math.exp(-SLOPE * (evidence - MIDPOINT)))

  contributions.sort((x, y) => y.weight - x.weight)
  const explanation: MatchExplanation = {
    terms: contributions.slice(0, EXPLAIN_TERMS).map((c) => ({ term: c.label, weight: Math.round(c.weight * 1000) / 1000 })),
    entities,
    phrases,
  }
  if (excludedBy !== undefined) explanation.excludedBy = excludedBy
  return {
    score: Math.round(score * 10_000) / 10_000,
    matched: excludedBy === undefined && score >= profile.threshold,
    explanation,
    parts: { lexical, phrases: phraseScore, entities: entityScore, keyword, elsewhere: foreign },
  }
}
