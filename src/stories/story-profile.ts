// A story's profile: weighted terms, entities and phrases from its seed articles (JSON, stored in KV), and buildProfile.
import { analyseArticle, countriesOfArticle, type ArticleAnalysis, type ArticleText } from './analyse-article'
import { isCommonWord, type Background } from './background-df'
import { lexicalCoverage } from './lexical-score'

/**
 * Evidence for one feature. `seed` comes from the seed articles and never decays; `learned` comes from confirmed
 * matches and feedback, decays with time and may be negative (a false alarm), down to a floor of the seed part.
 */
export interface Evidence {
  seed: number
  learned: number
}

/** A topical stem ("groom") and how it reads ("grooming"). */
export interface ProfileTerm extends Evidence {
  term: string
  label: string
}

/** A named entity: key "nigel farage", alias "farage" (a later bare surname), label "Nigel Farage". */
export interface ProfileEntity extends Evidence {
  key: string
  alias: string | null
  label: string
}

/** Adjacent stems ("groom gang") that the story uses as a unit. */
export interface ProfilePhrase extends Evidence {
  key: string
  label: string
}

/** What a story matches on. JSON-serialisable; about 5–10 KB. */
export interface StoryProfile {
  version: 1
  title: string
  threshold: number
  terms: ProfileTerm[]
  entities: ProfileEntity[]
  phrases: ProfilePhrase[]
  /** Stemmed keywords ("groom gang"): a hit boosts the score. */
  keywords: string[]
  /** Stemmed exclusions: a hit vetoes the match. */
  excludeKeywords: string[]
  /** Countries the seeds name (codes): an article only about other countries is probably not this story. */
  countries: string[]
  /** Median lexical coverage of the seeds' own passages: the scale on which this story's lexical scores are read. */
  reference: number
  /** Adaptive updates applied so far. */
  updates: number
  /** `now` of the last update (ms since epoch), for decay. */
  updatedAt: number | null
}

/** What a newsroom gives to start tracking a story. */
export interface ProfileInput {
  title: string
  seeds: ArticleText[]
  keywords?: string[]
  excludeKeywords?: string[]
  threshold?: number
}

/** Score at or above which an article is a follow-up, unless the story sets its own. */
export const DEFAULT_THRESHOLD = 0.5
/** Topical terms kept: enough for a story's vocabulary, few enough that incidental words do not dominate. */
export const MAX_TERMS = 60
/** Entities kept. */
export const MAX_ENTITIES = 20
/** Phrases kept. */
export const MAX_PHRASES = 12
// Uses (weighted as in analyseArticle) that make adjacent words a phrase of the story rather than a coincidence.
const MIN_PHRASE_USES = 2
// Seed passages of about this many words stand in for a follow-up's headline and opening paragraphs.
const REFERENCE_PASSAGE_WORDS = 80
// Floor on `reference`, so a profile of rare words is not read on a vanishing scale.
const MIN_REFERENCE = 0.05
// Stems at least this common carry no topic even when a seed repeats them.
const MAX_COMMON_IDF = 1.5

/** Sub-linear term frequency: the tenth mention adds less than the second. */
export function dampen(count: number): number {
  return count > 0 ? 1 + Math.log(count) : 0
}

/** Current evidence of a feature: seed plus learned, never below `floor` × seed. */
export function evidenceOf(e: Evidence, floor: number): number {
  return Math.max(e.seed + e.learned, e.seed * floor)
}

/** Stems of a keyword, for matching against analyses ("Grooming gangs" → "groom gang"). */
export function keywordKey(keyword: string): string {
  const a = analyseArticle({ title: '', text: keyword.toLowerCase() })
  const stems = [...a.terms.keys()]
  return stems.length > 0 ? stems.join(' ') : keyword.toLowerCase().trim()
}

/** The surname a multi-word name is later called by ("nigel farage" → "farage"), or null. */
export function aliasOf(key: string): string | null {
  const words = key.split(' ')
  const last = words[words.length - 1]
  if (words.length < 2 || last === undefined || last.length < 3 || isCommonWord(last)) return null
  return last
}

/** The IDF of an entity is that of its rarest word: "Reform UK" is as specific as "reform", "Farage" as "farage". */
export function entityIdf(key: string, background: Background): number {
  let best = 0
  for (const word of key.split(' ')) best = Math.max(best, background.idf(analyseWord(word)))
  return best
}

function analyseWord(word: string): string {
  const a = analyseArticle({ title: '', text: word })
  return a.terms.keys().next().value ?? word
}

function meanDampened(analyses: readonly ArticleAnalysis[], pick: (a: ArticleAnalysis) => Map<string, number>): Map<string, number> {
  const sums = new Map<string, number>()
  for (const a of analyses) for (const [key, count] of pick(a)) sums.set(key, (sums.get(key) ?? 0) + dampen(count))
  for (const [key, sum] of sums) sums.set(key, sum / analyses.length)
  return sums
}

function passagesOf(text: string): string[] {
  const words = text.split(/\s+/).filter((w) => w !== '')
  const passages: string[] = []
  for (let i = 0; i < words.length; i += REFERENCE_PASSAGE_WORDS) {
    // A short tail is not a typical passage.
    if (i > 0 && words.length - i < REFERENCE_PASSAGE_WORDS / 2) break
    passages.push(words.slice(i, i + REFERENCE_PASSAGE_WORDS).join(' '))
  }
  return passages
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

/** Median lexical coverage of the seeds' passages against `profile`: the per-story scale of lexical scores. */
export function referenceCoverage(profile: StoryProfile, seeds: readonly ArticleText[], background: Background): number {
  const coverages = seeds.flatMap((s) => passagesOf(s.text).map((p) => lexicalCoverage(profile, analyseArticle({ title: '', text: p }), background)))
  return Math.max(MIN_REFERENCE, coverages.length > 0 ? median(coverages) : MIN_REFERENCE)
}

/**
 * Builds a story profile from its seed articles: the top MAX_TERMS stems by dampened frequency × IDF², the top
 * entities and the phrases made of those stems. Throws when there is no seed.
 */
export function buildProfile(input: ProfileInput, background: Background): StoryProfile {
  if (input.seeds.length === 0) throw new Error('stories: a profile needs at least one seed article')
  const analyses = input.seeds.map((s) => analyseArticle({ title: [input.title, s.title].filter((t) => t.trim() !== '').join('. '), text: s.text }, true))
  const labels = new Map<string, string>()
  for (const a of analyses) for (const [k, v] of a.labels ?? []) if (!labels.has(k)) labels.set(k, v)

  const termEvidence = meanDampened(analyses, (a) => a.terms)
  const keywords = (input.keywords ?? []).map(keywordKey).filter((k) => k !== '')
  // A keyword's words read as the newsroom wrote them ("Rochdale", not the stem "rochdal") where the seeds lack them.
  for (const k of input.keywords ?? []) {
    for (const [key, label] of analyseArticle({ title: '', text: k.toLowerCase() }, true).labels ?? []) if (!labels.has(key)) labels.set(key, label)
  }
  const strongest = Math.max(1, ...termEvidence.values())
  // A keyword is the newsroom saying what matters: it weighs as much as the seeds' most repeated word.
  for (const k of keywords) for (const term of k.split(' ')) termEvidence.set(term, strongest)
  const terms: ProfileTerm[] = [...termEvidence]
    .filter(([term]) => background.idf(term) > MAX_COMMON_IDF)
    .map(([term, seed]) => ({ term, label: labels.get(term) ?? term, seed, learned: 0 }))
    .sort((a, b) => b.seed * background.idf(b.term) ** 2 - a.seed * background.idf(a.term) ** 2)
    .slice(0, MAX_TERMS)
  const kept = new Set(terms.map((t) => t.term))

  const entityEvidence = meanDampened(analyses, (a) => a.entities)
  // A bare surname is the multi-word name it abbreviates.
  const byAlias = new Map<string, string>()
  for (const key of entityEvidence.keys()) {
    const alias = aliasOf(key)
    if (alias !== null) byAlias.set(alias, key)
  }
  for (const [key, weight] of [...entityEvidence]) {
    const full = byAlias.get(key)
    if (full === undefined || key.includes(' ')) continue
    entityEvidence.set(full, (entityEvidence.get(full) ?? 0) + weight)
    entityEvidence.delete(key)
  }
  const entities: ProfileEntity[] = [...entityEvidence]
    .map(([key, seed]) => ({ key, alias: aliasOf(key), label: labels.get(`@${key}`) ?? key, seed, learned: 0 }))
    .sort((a, b) => b.seed * entityIdf(b.key, background) - a.seed * entityIdf(a.key, background))
    .slice(0, MAX_ENTITIES)

  const phraseEvidence = meanDampened(analyses, (a) => a.phrases)
  // Weighted uses across the seeds (a headline use counts TITLE_WEIGHT, so the story's title phrases are repeated).
  const phraseUses = new Map<string, number>()
  for (const a of analyses) for (const [key, count] of a.phrases) phraseUses.set(key, (phraseUses.get(key) ?? 0) + count)
  for (const k of keywords) {
    if (!k.includes(' ')) continue
    phraseEvidence.set(k, Math.max(1, ...phraseEvidence.values()))
    phraseUses.set(k, Infinity)
  }
  // Two words the seeds put side by side once may be a coincidence ("shadow safeguarding"); a pair they repeat is a
  // unit of the story ("national inquiry"). Repeated phrases are kept first, the most specific of the rest fill up.
  const repeated = (key: string): number => ((phraseUses.get(key) ?? 0) >= MIN_PHRASE_USES ? 1 : 0)
  const phraseWeight = (key: string, seed: number): number => seed * meanIdfSquared(key, background)
  const phrases: ProfilePhrase[] = [...phraseEvidence]
    // A phrase may join a common word to a topical one ("national inquiry"): the pair is what is specific.
    .filter(([key]) => key.split(' ').some((term) => kept.has(term)))
    .map(([key, seed]) => ({ key, label: key.split(' ').map((t) => labels.get(t) ?? t).join(' '), seed, learned: 0 }))
    .sort((a, b) => repeated(b.key) - repeated(a.key) || phraseWeight(b.key, b.seed) - phraseWeight(a.key, a.seed))
    .slice(0, MAX_PHRASES)

  const profile: StoryProfile = {
    version: 1,
    title: input.title,
    threshold: input.threshold ?? DEFAULT_THRESHOLD,
    terms,
    entities,
    phrases,
    keywords,
    excludeKeywords: (input.excludeKeywords ?? []).map(keywordKey).filter((k) => k !== ''),
    countries: [...new Set(analyses.flatMap((a) => [...countriesOfArticle(a).keys()]))],
    reference: MIN_REFERENCE,
    updates: 0,
    updatedAt: null,
  }
  profile.reference = referenceCoverage(profile, input.seeds, background)
  return profile
}

/** Mean IDF² of a phrase's stems: how specific the phrase is. */
export function meanIdfSquared(key: string, background: Background): number {
  const terms = key.split(' ')
  let sum = 0
  for (const t of terms) sum += background.idf(t) ** 2
  return sum / terms.length
}

