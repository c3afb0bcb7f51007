// Benchmarks story matching in Node: articles scored per second against 20 stories on one core (npx tsx bench/stories.bench.ts).
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { analyseArticle } from '../src/stories/analyse-article'
import { DEFAULT_BACKGROUND } from '../src/stories/background-df'
import { buildProfile, type StoryProfile } from '../src/stories/story-profile'
import { StoryMatcher } from '../src/stories/story-matcher'
import type { CorpusItem } from '../src/stories/track-corpus'
import { prng } from './lib/news-text'

/** One benchmark run's result. */
export interface StoryBenchResult {
  mode: BenchMode
  stories: number
  articles: number
  meanArticleWords: number
  articlesPerSecond: number
  /** CPU time (user + system) per article, analysis plus scoring against every story. */
  cpuMicrosPerArticle: number
  /** Of which analysing the article once (tokenise, stem, entities, phrases). */
  analyseMicrosPerArticle: number
  matches: number
}

const STORIES = 20

function corpus(): { seeds: string[]; articles: CorpusItem[] } {
  const root = new URL('../fixtures/stories/', import.meta.url)
  const slugs = ['grooming-gangs-inquiry', 'post-office-horizon']
  const seeds = slugs.map((s) => readFileSync(new URL(`${s}/seed.txt`, root), 'utf8'))
  const articles = slugs.flatMap((s) => JSON.parse(readFileSync(new URL(`${s}/corpus.json`, root), 'utf8')) as CorpusItem[])
  return { seeds, articles }
}

const SYLLABLES = 'ka lo mi ne ru sa ti vo ze ba do fi gu ha je ko lu ma no pe ri so tu va'.split(' ')
const FILLER = 'the council said on a new report about plans for local people after the meeting in the city this week'.split(' ')

/** A seed about a made-up subject: 300 words, a third of them from the story's own 40 invented words. */
function syntheticSeed(story: number): string {
  const next = prng(1000 + story)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T
  const own = Array.from({ length: 40 }, () => `${pick(SYLLABLES)}${pick(SYLLABLES)}${pick(SYLLABLES)}`)
  const words = Array.from({ length: 300 }, () => (next() < 0.35 ? pick(own) : pick(FILLER)))
  return words.join(' ').replace(/((?:\S+ ){14}\S+) /g, '$1. ')
}

/**
 * Twenty profiles. 'distinct': the two fixture stories and 18 stories about invented subjects, the realistic case in
 * which an article is near at most one or two stories. 'same-topic': twenty stories seeded from the fixture seeds and
 * follow-ups, so every article is a candidate for several stories and gets explained for each (the worst case).
 */
function profiles(seeds: string[], articles: CorpusItem[], mode: BenchMode): StoryProfile[] {
  const texts =
    mode === 'distinct'
      ? [...seeds, ...Array.from({ length: STORIES - seeds.length }, (_, i) => syntheticSeed(i))]
      : [...seeds, ...articles.filter((a) => a.label).map((a) => `${a.title}\n\n${a.text}`)]
  return Array.from({ length: STORIES }, (_, i) =>
    buildProfile({ title: `Story ${i}`, seeds: [{ title: '', text: texts[mode === 'distinct' ? i : (i * 7) % texts.length] ?? '' }] }, DEFAULT_BACKGROUND),
  )
}

/** Which twenty stories the articles are scored against. */
export type BenchMode = 'distinct' | 'same-topic'

function cpuMicros(): number {
  const u = process.cpuUsage()
  return u.user + u.system
}

/** Scores every fixture article against 20 stories, `rounds` times after a warm-up, and returns the rates. */
export function runStoryBench(mode: BenchMode, rounds = 20): StoryBenchResult {
  const { seeds, articles } = corpus()
  const matcher = new StoryMatcher(profiles(seeds, articles, mode), DEFAULT_BACKGROUND, 'matches')
  let matches = 0
  const pass = (): void => {
    for (const article of articles) {
      for (const m of matcher.scoreAll(analyseArticle(article))) if (m.matched) matches++
    }
  }
  pass()
  // Each pass is timed on its own and the median pass gives the rate: on a shared machine one slow pass (another
  // process on the core, a GC) should not move the figure.
  const passWalls: number[] = []
  const startCpu = cpuMicros()
  for (let r = 0; r < rounds; r++) {
    const t = performance.now()
    pass()
    passWalls.push(performance.now() - t)
  }
  const cpu = cpuMicros() - startCpu
  const medianPass = [...passWalls].sort((a, b) => a - b)[Math.floor(rounds / 2)] ?? 0
  const analyseStart = cpuMicros()
  for (let r = 0; r < rounds; r++) for (const article of articles) analyseArticle(article)
  const analyseCpu = cpuMicros() - analyseStart
  const n = articles.length * rounds
  const words = articles.reduce((s, a) => s + `${a.title} ${a.text}`.split(/\s+/).length, 0) / articles.length
  return {
    mode,
    stories: STORIES,
    articles: n,
    meanArticleWords: Math.round(words),
    articlesPerSecond: Math.round(articles.length / (medianPass / 1000)),
    cpuMicrosPerArticle: Math.round((cpu / n) * 10) / 10,
    analyseMicrosPerArticle: Math.round((analyseCpu / n) * 10) / 10,
    matches: matches / (rounds + 1),
  }
}

/** The results as a markdown table. */
export function formatStoryBench(results: StoryBenchResult[]): string {
  return [
    '| Stories | Articles scored | Mean words/article | Articles/s (one core) | CPU µs/article | of which analysis µs | Matches per pass |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map((r) => `| ${r.stories}, ${r.mode} | ${r.articles} | ${r.meanArticleWords} | ${r.articlesPerSecond} | ${r.cpuMicrosPerArticle} | ${r.analyseMicrosPerArticle} | ${r.matches} |`),
    '',
    'Each article is analysed once (tokenise, stem, entities, phrases) and scored against all 20 profiles by one',
    'StoryMatcher (inverted index; candidates re-scored with scoreArticle for their explanation); the fixture',
    'corpora (headline + opening paragraphs) are the articles. "distinct": 2 fixture stories + 18 invented subjects;',
    '"same-topic": 20 stories seeded from the two fixture topics (worst case). Articles/s is the median of 20 timed',
    'passes over the corpus (wall time of one pass on one core); CPU µs/article is over all passes. Target: ≥ 20,000 articles/s.',
  ].join('\n')
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`Story matching, Node ${process.version}\n`)
  const rounds = Number(process.env.BENCH_RUNS ?? 20)
  console.log(formatStoryBench([runStoryBench('distinct', rounds), runStoryBench('same-topic', rounds)]))
}
