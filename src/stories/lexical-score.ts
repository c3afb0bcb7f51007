// Lexical relevance of an article to a profile: BM25-saturated term counts weighted by the profile, as a share of the most it could be.
import type { ArticleAnalysis } from './analyse-article'
import type { Background } from './background-df'
import type { StoryProfile } from './story-profile'

// BM25's usual constants; AVERAGE_LENGTH is a feed item's headline (×3) and opening paragraphs in weighted words.
const K1 = 1.2
const B = 0.5
const AVERAGE_LENGTH = 120
/** Negative feedback never pushes a seed feature below this share of its seed weight. */
export const SEED_FLOOR = 0.5

/** BM25's length normaliser for an article: term count tf contributes tf / (tf + norm). */
export function saturationNorm(article: ArticleAnalysis): number {
  return K1 * (1 - B + (B * article.length) / AVERAGE_LENGTH)
}

/** One profile term's share of the lexical score. */
export interface TermContribution {
  term: string
  label: string
  weight: number
}

/** Σ w·sat(tf) / Σ w over the profile's terms, w = evidence × IDF²; in [0, 1). Fills `contributions` when given. */
export function lexicalCoverage(
  profile: StoryProfile,
  article: ArticleAnalysis,
  background: Background,
  contributions?: TermContribution[],
): number {
  const { terms, weights, total } = compileTerms(profile, background)
  const norm = saturationNorm(article)
  let matched = 0
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i] as StoryProfile['terms'][number]
    const tf = article.terms.get(t.term)
    if (tf === undefined) continue
    const gained = ((weights[i] ?? 0) * tf) / (tf + norm)
    matched += gained
    contributions?.push({ term: t.term, label: t.label, weight: total > 0 ? gained / total : 0 })
  }
  return total > 0 ? matched / total : 0
}

/** A profile's term weights (evidence × IDF²) under one background, and their sum. */
export interface CompiledTerms {
  terms: StoryProfile['terms']
  weights: Float64Array
  total: number
}

// Profiles are values (adaptProfile returns a new one): weights computed once per profile and background stay valid.
const compiledCache = new WeakMap<Background, WeakMap<StoryProfile, CompiledTerms>>()

/** Term weights of `profile` under `background`, memoised per profile and background. */
export function compileTerms(profile: StoryProfile, background: Background): CompiledTerms {
  let byProfile = compiledCache.get(background)
  if (byProfile === undefined) compiledCache.set(background, (byProfile = new WeakMap()))
  const hit = byProfile.get(profile)
  if (hit !== undefined) return hit
  const weights = new Float64Array(profile.terms.length)
  let total = 0
  profile.terms.forEach((t, i) => {
    const evidence = Math.max(t.seed + t.learned, t.seed * SEED_FLOOR)
    const idf = background.idf(t.term)
    const w = evidence > 0 ? evidence * idf * idf : 0
    weights[i] = w
    total += w
  })
  const compiled = { terms: profile.terms, weights, total }
  byProfile.set(profile, compiled)
  return compiled
}
