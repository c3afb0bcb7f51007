// Scores one article against one story profile: topical evidence (terms, phrases) first, entities only on top of it.
import { analyseArticle, countriesOfArticle, type ArticleAnalysis, type ArticleText } from './analyse-article'
import type { Background } from './background-df'
import { compileTerms, lexicalCoverage, SEED_FLOOR, type TermContribution } from './lexical-score'
import { entityIdf, evidenceOf, keywordKey, meanIdfSquared, type StoryProfile } from './story-profile'

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
  parts: { lexical: number; phrases: number; entities: number; subject: number; keyword: boolean; elsewhere: boolean }
}

// Weights of the evidence, in units of "a typical seed passage's lexical coverage" (lexical = 1).
const PHRASE_WEIGHT = 0.3
const ENTITY_WEIGHT = 0.3
// Entities can add at most this share of the topical evidence: the same people in another story are not the story.
const ENTITY_CAP = 0.5
// A subject entity (named in the story's title) weighs as a phrase does: evidence of the story itself.
const SUBJECT_WEIGHT = 0.3
// Rarer than the prior's "newsy" band (IDF 4.6): an everyday name such as "Post Office" is not distinctive.
const SUBJECT_MIN_IDF = 4.6
const KEYWORD_BOOST = 0.3
// Lexical evidence shared with no phrase, name or keyword of the story keeps this share (see decide).
const UNCORROBORATED = 0.5
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
// Below this score the explanation lists no terms (the phrases and entities are still named).
const EXPLAIN_FROM = 0.25

/** True when the article is about other countries than the story's: it names one prominently and none of the story's. */
function isElsewhere(profile: StoryProfile, a: ArticleAnalysis): boolean {
  if (profile.countries.length === 0) return false
  let foreign = false
  for (const [code, count] of countriesOfArticle(a)) {
    if (profile.countries.includes(code)) return false
    if (count >= FOREIGN_MENTIONS) foreign = true
  }
  return foreign
}

/**
 * True when an entity is the story's subject rather than a person or body it happens to mention: the story's own
 * title names it (every word of it) and it is distinctive (rarer than everyday news words), as "Horizon" is in
 * "Post Office Horizon scandal". Incidental names only add capped evidence; the subject is evidence of the story.
 */
function isSubject(key: string, idf: number, titleWords: ReadonlySet<string>): boolean {
  return idf > SUBJECT_MIN_IDF && key.split(' ').every((w) => titleWords.has(w))
}

/** A profile's weights under one background, computed once. */
export interface CompiledProfile {
  termTotal: number
  phrases: { key: string; label: string; weight: number }[]
  phraseTop: number
  entities: { key: string; alias: string | null; label: string; weight: number; subject: boolean }[]
  entityTop: number
  /** Total weight of the subject entities (see isSubject). */
  subjectTotal: number
}

// Profiles are values (adaptProfile returns a new one), so weights computed once per profile and background stay valid.
const compiledCache = new WeakMap<Background, WeakMap<StoryProfile, CompiledProfile>>()

/** The profile's phrase and entity weights under `background` (memoised per profile and background). */
export function compile(profile: StoryProfile, background: Background): CompiledProfile {
  let byProfile = compiledCache.get(background)
  if (byProfile === undefined) compiledCache.set(background, (byProfile = new WeakMap()))
  const hit = byProfile.get(profile)
  if (hit !== undefined) return hit
  const phrases = profile.phrases.map((p) => ({ key: p.key, label: p.label, weight: evidenceOf(p, SEED_FLOOR) * meanIdfSquared(p.key, background) }))
  const titleWords = new Set(profile.title.toLowerCase().split(/[^\p{L}\p{N}]+/u))
  const entities = profile.entities.map((e) => {
    const idf = entityIdf(e.key, background)
    return { key: e.key, alias: e.alias, label: e.label, weight: evidenceOf(e, SEED_FLOOR) * idf, subject: isSubject(e.key, idf, titleWords) }
  })
  const top = entities.map((e) => e.weight).sort((x, y) => y - x).slice(0, ENTITY_TOP)
  const compiled: CompiledProfile = {
    termTotal: compileTerms(profile, background).total,
    phrases,
    phraseTop: Math.max(0, ...phrases.map((p) => p.weight)),
    entities,
    entityTop: top.reduce((s, w) => s + w, 0),
    subjectTotal: entities.reduce((s, e) => s + (e.subject ? e.weight : 0), 0),
  }
  byProfile.set(profile, compiled)
  return compiled
}

// A name as a keyword's stems ("Court of Appeal" → "court appeal"): names are kept as written, keywords are stemmed.
const NAME_KEY_LIMIT = 10_000 // bounds memory in a long-lived isolate, as the stemmer's cache does
const nameKeys = new Map<string, string>()

function nameKey(name: string): string {
  let key = nameKeys.get(name)
  if (key === undefined) {
    key = keywordKey(name)
    if (nameKeys.size >= NAME_KEY_LIMIT) nameKeys.clear()
    nameKeys.set(name, key)
  }
  return key
}

/** True when the article has `key` (a stemmed keyword) as a word or phrase, or as a name it spells. */
function hasKey(article: ArticleAnalysis, key: string): boolean {
  if (key.includes(' ') ? article.phrases.has(key) : article.terms.has(key)) return true
  if (article.names.has(key)) return true
  for (const name of article.names) if (nameKey(name) === key) return true
  return false
}

// Parts are read, not computed with: six decimals hide the last-bit differences of summing in another order.
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6
}

/** The numeric outcome of scoring, before any explanation is built. */
export interface Decision {
  score: number
  matched: boolean
  excludedBy: string | undefined
  parts: StoryMatch['parts']
}

/**
 * Turns an article's matched weights for one profile into the decision: the logistic of
 * topical + min(0.3·entities, 0.5·topical) (+0.3 on a keyword hit), topical = lexical + 0.3·phrases + 0.3·subject
 * (the share of the story's subject entities named), × 0.35 when the article is about
 * other countries only; an exclude keyword vetoes. Shared by scoreArticle and StoryMatcher so both decide alike.
 */
export function decide(profile: StoryProfile, a: ArticleAnalysis, background: Background, matchedTerms: number, matchedPhrases: number, matchedEntities: number, matchedSubject: number): Decision {
  const compiled = compile(profile, background)
  const lexical = compiled.termTotal > 0 ? matchedTerms / compiled.termTotal / profile.reference : 0
  const phraseScore = compiled.phraseTop > 0 ? Math.min(1, matchedPhrases / compiled.phraseTop) : 0
  const entityScore = compiled.entityTop > 0 ? Math.min(1, matchedEntities / compiled.entityTop) : 0
  const keyword = profile.keywords.length > 0 && profile.keywords.some((k) => hasKey(a, k))
  const excludedBy = profile.excludeKeywords.length > 0 ? profile.excludeKeywords.find((k) => hasKey(a, k)) : undefined
  const subjectScore = compiled.subjectTotal > 0 ? Math.min(1, matchedSubject / compiled.subjectTotal) : 0
  // Words alone, with none of the story's phrases, names or keywords, are the topic rather than the story.
  const corroborated = phraseScore > 0 || entityScore > 0 || keyword
  const topical = lexical * (corroborated ? 1 : UNCORROBORATED) + PHRASE_WEIGHT * phraseScore + SUBJECT_WEIGHT * subjectScore
  const unpenalised = topical + Math.min(ENTITY_WEIGHT * entityScore, ENTITY_CAP * topical) + (keyword ? KEYWORD_BOOST : 0)
  // Where an article is set only matters once it is a candidate; most articles are not.
  const foreign = unpenalised >= MIDPOINT / 2 && isElsewhere(profile, a)
  const evidence = unpenalised * (foreign ? FOREIGN_PENALTY : 1)
  const raw = excludedBy !== undefined ? 0 : 1 / (1 + Math.exp(-SLOPE * (evidence - MIDPOINT)))
  const score = Math.round(raw * 10_000) / 10_000
  return {
    score,
    matched: excludedBy === undefined && score >= profile.threshold,
    excludedBy,
    parts: { lexical: round6(lexical), phrases: round6(phraseScore), entities: round6(entityScore), subject: round6(subjectScore), keyword, elsewhere: foreign },
  }
}

/** True when a decision is worth explaining: a match, or close enough to one that a newsroom may ask why not. */
export function worthExplaining(profile: StoryProfile, score: number): boolean {
  return score >= Math.min(EXPLAIN_FROM, profile.threshold)
}

/** A decision without an explanation: what an article far from the story gets. */
export function unexplained(d: Decision): StoryMatch {
  const explanation: MatchExplanation = { terms: [], entities: [], phrases: [] }
  if (d.excludedBy !== undefined) explanation.excludedBy = d.excludedBy
  return { score: d.score, matched: d.matched, explanation, parts: d.parts }
}

/**
 * Scores an article (or its analysis, to share one analysis across stories) against a profile; see `decide` for the
 * formula. Articles scoring below 0.25 (and the threshold) get an empty explanation. Pure: `background` supplies IDFs.
 * To score one article against many stories, StoryMatcher is faster and decides the same.
 */
export function scoreArticle(profile: StoryProfile, article: ArticleText | ArticleAnalysis, background: Background): StoryMatch {
  const a = 'terms' in article ? article : analyseArticle(article)
  const compiled = compile(profile, background)
  const matchedTerms = lexicalCoverage(profile, a, background) * compiled.termTotal
  let matchedPhrases = 0
  for (const p of compiled.phrases) if (a.phrases.has(p.key)) matchedPhrases += p.weight
  let matchedEntities = 0
  let matchedSubject = 0
  for (const e of compiled.entities) {
    if (!a.names.has(e.key) && (e.alias === null || !a.names.has(e.alias))) continue
    matchedEntities += e.weight
    if (e.subject) matchedSubject += e.weight
  }
  const d = decide(profile, a, background, matchedTerms, matchedPhrases, matchedEntities, matchedSubject)
  return worthExplaining(profile, d.score) ? explained(profile, a, background, d) : unexplained(d)
}

/** A decision with its explanation: the profile terms, entities and phrases the article shares, strongest first. */
export function explained(profile: StoryProfile, a: ArticleAnalysis, background: Background, d: Decision): StoryMatch {
  const compiled = compile(profile, background)
  const contributions: TermContribution[] = []
  lexicalCoverage(profile, a, background, contributions)
  contributions.sort((x, y) => y.weight - x.weight)
  const explanation: MatchExplanation = {
    terms: contributions.slice(0, EXPLAIN_TERMS).map((c) => ({ term: c.label, weight: Math.round((c.weight / profile.reference) * 1000) / 1000 })),
    entities: compiled.entities.filter((e) => a.names.has(e.key) || (e.alias !== null && a.names.has(e.alias))).map((e) => e.label),
    phrases: compiled.phrases.filter((p) => a.phrases.has(p.key)).map((p) => p.label),
  }
  if (d.excludedBy !== undefined) explanation.excludedBy = d.excludedBy
  return { score: d.score, matched: d.matched, explanation, parts: d.parts }
}
