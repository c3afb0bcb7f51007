// Scores one article against many stories at once through an inverted index: the pipeline's fast path.
import { analyseArticle, type ArticleAnalysis, type ArticleText } from './analyse-article'
import type { Background } from './background-df'
import { compileTerms, saturationNorm } from './lexical-score'
import { compile, decide, scoreArticle, unexplained, worthExplaining, type StoryMatch } from './score-article'
import type { StoryProfile } from './story-profile'

interface Posting {
  story: number
  weight: number
  /** Index of the feature among all stories', so a name matched by key and alias counts once. */
  feature: number
  /** An entity that is the story's subject (see compile). */
  subject: boolean
}

function post(index: Map<string, Posting[]>, key: string, posting: Posting): void {
  const list = index.get(key)
  if (list === undefined) index.set(key, [posting])
  else list.push(posting)
}

/**
 * Every profile's terms, phrases and names in one index, so an article is looked up once per distinct word rather
 * than once per story and word. Decides exactly as scoreArticle; build a new one when profiles or background change.
 */
export class StoryMatcher {
  private readonly terms = new Map<string, Posting[]>()
  private readonly phrases = new Map<string, Posting[]>()
  private readonly names = new Map<string, Posting[]>()
  private readonly seen: Int32Array
  private stamp = 0

  /**
   * `explain`: 'candidates' (the default) explains every decision worth explaining, as scoreArticle does; 'matches'
   * explains only matches and leaves near misses with an empty explanation, for callers that keep nothing else (the
   * pipeline stores matches only), which spares re-scoring the many near misses of a busy topic.
   */
  constructor(
    readonly profiles: readonly StoryProfile[],
    private readonly background: Background,
    private readonly explain: 'candidates' | 'matches' = 'candidates',
  ) {
    let feature = 0
    profiles.forEach((profile, story) => {
      const { terms, weights } = compileTerms(profile, background)
      terms.forEach((t, i) => post(this.terms, t.term, { story, weight: weights[i] ?? 0, feature: feature++, subject: false }))
      const compiled = compile(profile, background)
      for (const p of compiled.phrases) post(this.phrases, p.key, { story, weight: p.weight, feature: feature++, subject: false })
      for (const e of compiled.entities) {
        const posting = { story, weight: e.weight, feature: feature++, subject: e.subject }
        post(this.names, e.key, posting)
        if (e.alias !== null && e.alias !== e.key) post(this.names, e.alias, posting)
      }
    })
    this.seen = new Int32Array(feature)
  }

  /** The decision for every profile, in the order given. */
  scoreAll(article: ArticleText | ArticleAnalysis): StoryMatch[] {
    const a = 'terms' in article ? article : analyseArticle(article)
    const n = this.profiles.length
    const terms = new Float64Array(n)
    const phrases = new Float64Array(n)
    const entities = new Float64Array(n)
    const subjects = new Float64Array(n)
    const norm = saturationNorm(a)
    for (const [term, tf] of a.terms) {
      const postings = this.terms.get(term)
      if (postings === undefined) continue
      const saturation = tf / (tf + norm)
      for (const p of postings) terms[p.story] = (terms[p.story] ?? 0) + p.weight * saturation
    }
    for (const key of a.phrases.keys()) {
      const postings = this.phrases.get(key)
      if (postings !== undefined) for (const p of postings) phrases[p.story] = (phrases[p.story] ?? 0) + p.weight
    }
    const stamp = ++this.stamp
    for (const name of a.names) {
      const postings = this.names.get(name)
      if (postings === undefined) continue
      for (const p of postings) {
        if (this.seen[p.feature] === stamp) continue
        this.seen[p.feature] = stamp
        entities[p.story] = (entities[p.story] ?? 0) + p.weight
        if (p.subject) subjects[p.story] = (subjects[p.story] ?? 0) + p.weight
      }
    }
    return this.profiles.map((profile, i) => {
      const d = decide(profile, a, this.background, terms[i] ?? 0, phrases[i] ?? 0, entities[i] ?? 0, subjects[i] ?? 0)
      // Candidates are re-scored term by term, so their scores and explanations are scoreArticle's to the last bit.
      const wanted = this.explain === 'matches' ? d.matched : worthExplaining(profile, d.score)
      return wanted ? scoreArticle(profile, a, this.background) : unexplained(d)
    })
  }
}
