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
  const norm = K1 * (1 - B + (B * article.length) / AVERAGE_LENGTH)
  let total = 0
  let matched = 0
  for (const t of profile.terms) {
    const evidence = Math.max(t.seed + t.learned, t.seed * SEED_FLOOR)
    if (evidence <= 0) continue
    const idf = background.idf(t.term)
    const w = evidence * idf * idf
    total += w
    const tf = article.terms.get(t.term)
    if (tf === undefined) continue
    const gained = (w * tf) / (tf + norm)
    matched += gained
    contributions?.push({ term: t.term, label: t.label, weight: gained })
  }
  if (contributions !== undefined && total > 0) for (const c of contributions) c.weight /= total
  return total > 0 ? matched / total : 0
}
