// Adaptive tracking: confirmed matches and newsroom feedback move a profile's learned weights, seeds stay anchored.
import { analyseArticle, type ArticleAnalysis, type ArticleText } from './analyse-article'
import { DEFAULT_BACKGROUND, type Background } from './background-df'
import { SEED_FLOOR } from './lexical-score'
import { aliasOf, dampen, MAX_ENTITIES, MAX_PHRASES, MAX_TERMS, type Evidence, type ProfileEntity, type StoryProfile } from './story-profile'

/** How an update came about. */
export interface AdaptOptions {
  /** ms since epoch; learned evidence halves every LEARNED_HALF_LIFE_MS. */
  now: number
  /** true: the article is a follow-up (a confirmed match, or a newsroom "relevant"); false: a false alarm. */
  relevant: boolean
  /** 'feedback' (a person said so) weighs twice as much as 'match' (the system's own decision). Default 'match'. */
  source?: 'match' | 'feedback'
  /** IDFs for choosing the most specific words; the built-in prior when omitted. */
  background?: Background
}

/** Learned evidence halves in two weeks: last month's developments matter less than this week's. */
export const LEARNED_HALF_LIFE_MS = 14 * 24 * 60 * 60 * 1000
// Learned terms may add at most this share of the seed's weight: the seed keeps at least 3/4 of the say.
const LEARNED_MASS_SHARE = 0.35
// Room for new vocabulary on top of the seed's.
const EXTRA_TERMS = 30
const EXTRA_ENTITIES = 10
const EXTRA_PHRASES = 6
// A confirmed article contributes its most specific words only.
const TERMS_PER_ARTICLE = 12
const ENTITIES_PER_ARTICLE = 5
const RATE = { match: 0.25, feedback: 0.5 } as const
const MIN_LEARNING_IDF = 2.5

interface Feature extends Evidence {
  key: string
}

function decayAll<T extends Evidence>(items: T[], factor: number): T[] {
  return items.map((i) => ({ ...i, learned: i.learned * factor }))
}

/** Adds `delta` to an item's learned evidence, creating it (seed 0) when new; negative never below the seed floor. */
function nudge<T extends Feature>(items: Map<string, T>, key: string, delta: number, create: () => T): void {
  const existing = items.get(key)
  if (existing === undefined) {
    if (delta > 0) items.set(key, { ...create(), learned: delta })
    return
  }
  const floor = -existing.seed * (1 - SEED_FLOOR)
  existing.learned = existing.seed > 0 ? Math.max(floor, existing.learned + delta) : existing.learned + delta
}

/** Seed features always stay; learned-only ones keep the strongest `room`, and only while positive. */
function bound<T extends Feature>(items: Iterable<T>, room: number, weight: (i: T) => number): T[] {
  const all = [...items]
  const seeded = all.filter((i) => i.seed > 0)
  const learned = all.filter((i) => i.seed === 0 && i.learned > 0.01).sort((a, b) => weight(b) - weight(a)).slice(0, room)
  return [...seeded, ...learned]
}

/**
 * An article's entity counts with every bare surname folded into the full name it stands for ("Cooper" into
 * "yvette cooper"), whether that name is already in the profile or written out in the same article: one person is one
 * feature, or a follow-up naming her twice would teach the profile two entities and count her twice from then on.
 */
function canonicalEntities(counts: ReadonlyMap<string, number>, known: Iterable<ProfileEntity>): Map<string, number> {
  const fullName = new Map<string, string>()
  for (const e of known) if (e.alias !== null && e.alias !== e.key) fullName.set(e.alias, e.key)
  for (const key of counts.keys()) {
    const words = key.split(' ')
    const last = words[words.length - 1]
    if (words.length > 1 && last !== undefined && !fullName.has(last)) fullName.set(last, key)
  }
  const merged = new Map<string, number>()
  for (const [key, count] of counts) {
    const target = key.includes(' ') ? key : (fullName.get(key) ?? key)
    merged.set(target, (merged.get(target) ?? 0) + count)
  }
  return merged
}

function topByWeight(counts: Map<string, number>, weight: (key: string, count: number) => number, n: number): [string, number][] {
  return [...counts].map(([k, c]): [string, number] => [k, weight(k, c)]).sort((a, b) => b[1] - a[1]).slice(0, n)
}

/**
 * Returns a new profile updated with one article: on `relevant`, its most specific terms, entities and phrases gain
 * learned evidence; on a false alarm, the profile features it shares lose some (never below half their seed weight).
 * Learned evidence decays with time, is capped at LEARNED_MASS_SHARE of the seed's weight, and the lists are bounded.
 */
export function adaptProfile(profile: StoryProfile, article: ArticleText | ArticleAnalysis, options: AdaptOptions): StoryProfile {
  // An analysis made without labels still works: new terms are then labelled by their stems.
  const a = 'terms' in article ? article : analyseArticle(article, true)
  const background = options.background ?? DEFAULT_BACKGROUND
  const elapsed = profile.updatedAt === null ? 0 : Math.max(0, options.now - profile.updatedAt)
  const factor = 0.5 ** (elapsed / LEARNED_HALF_LIFE_MS)
  const rate = RATE[options.source ?? 'match'] * (options.relevant ? 1 : -1)
  const labels = a.labels ?? new Map<string, string>()
  const idf2 = (term: string): number => background.idf(term) ** 2

  const terms = new Map(decayAll(profile.terms, factor).map((t) => [t.term, { ...t, key: t.term }]))
  const maxTf = Math.max(1, ...a.terms.values())
  const candidates = options.relevant
    ? topByWeight(new Map([...a.terms].filter(([t]) => background.idf(t) >= MIN_LEARNING_IDF)), (t, c) => dampen(c) * idf2(t), TERMS_PER_ARTICLE)
    : [...a.terms].filter(([t]) => terms.has(t))
  for (const [term] of candidates) {
    const strength = dampen(a.terms.get(term) ?? 0) / dampen(maxTf)
    nudge(terms, term, rate * strength, () => ({ term, key: term, label: labels.get(term) ?? term, seed: 0, learned: 0 }))
  }

  const entities = new Map(decayAll(profile.entities, factor).map((e) => [e.key, e]))
  const entityCandidates = options.relevant
    ? topByWeight(canonicalEntities(a.entities, entities.values()), (_, c) => c, ENTITIES_PER_ARTICLE).map(([k]) => k)
    : profile.entities.filter((e) => a.names.has(e.key) || (e.alias !== null && a.names.has(e.alias))).map((e) => e.key)
  for (const key of entityCandidates) {
    nudge(entities, key, rate, () => ({ key, alias: aliasOf(key), label: labels.get(`@${key}`) ?? key, seed: 0, learned: 0 }))
  }

  const phrases = new Map(decayAll(profile.phrases, factor).map((p) => [p.key, p]))
  const phraseCandidates = options.relevant
    ? [...a.phrases.keys()].filter((k) => !k.includes(' ', k.indexOf(' ') + 1) && k.split(' ').every((t) => terms.has(t)))
    : profile.phrases.filter((p) => a.phrases.has(p.key)).map((p) => p.key)
  for (const key of phraseCandidates) {
    nudge(phrases, key, rate, () => ({ key, label: key.split(' ').map((t) => terms.get(t)?.label ?? t).join(' '), seed: 0, learned: 0 }))
  }

  let boundedTerms = bound(terms.values(), EXTRA_TERMS + Math.max(0, MAX_TERMS - profile.terms.filter((t) => t.seed > 0).length), (t) => t.learned * idf2(t.term))
  const seedMass = boundedTerms.reduce((s, t) => s + t.seed * idf2(t.term), 0)
  const learnedMass = boundedTerms.reduce((s, t) => s + Math.max(0, t.learned) * idf2(t.term), 0)
  if (learnedMass > LEARNED_MASS_SHARE * seedMass && learnedMass > 0) {
    const scale = (LEARNED_MASS_SHARE * seedMass) / learnedMass
    boundedTerms = boundedTerms.map((t) => (t.learned > 0 ? { ...t, learned: t.learned * scale } : t))
  }

  return {
    ...profile,
    terms: boundedTerms.map(({ key: _key, ...t }) => t),
    entities: bound(entities.values(), EXTRA_ENTITIES + Math.max(0, MAX_ENTITIES - profile.entities.filter((e) => e.seed > 0).length), (e) => e.learned),
    phrases: bound(phrases.values(), EXTRA_PHRASES + Math.max(0, MAX_PHRASES - profile.phrases.filter((p) => p.seed > 0).length), (p) => p.learned),
    updates: profile.updates + 1,
    updatedAt: options.now,
  }
}
