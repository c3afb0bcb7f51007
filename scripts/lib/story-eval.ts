// Loads the labelled story corpora from fixtures/stories/ and formats replay results for the console and bench/RESULTS.md.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

// Structural copies of src/stories/track-corpus types: src/ is bundler-resolved TypeScript that this NodeNext
// project cannot type-check, so scripts load it by URL (as scripts/test does) and describe what they use.
/** One labelled corpus article. */
export interface CorpusItem {
  id: string
  label: boolean
  category: string
  outlet: string
  publishedAt: string
  title: string
  text: string
}

/** What a replay of one story returns (the parts the report uses). */
export interface StoryReplay {
  metrics: { total: number; positives: number; truePositives: number; falsePositives: number; falseNegatives: number; precision: number; recall: number; f1: number; pMiss: number; pFalseAlarm: number; cDet: number }
  items: { id: string; title: string; category: string; label: boolean; predicted: boolean; score: number }[]
}

/** The replay function of src/stories/track-corpus.ts. */
export type ReplayStory = (story: { title: string; seed: string; corpus: readonly CorpusItem[] }) => StoryReplay

/** One story fixture: story.json, its seed file and corpus.json. */
export interface StoryFixture {
  slug: string
  title: string
  seed: string
  corpus: CorpusItem[]
}

/** Every fixtures/stories/<slug>/ directory that has a story.json, sorted by slug. */
export async function loadStoryFixtures(root: string): Promise<StoryFixture[]> {
  const slugs = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()
  const fixtures: StoryFixture[] = []
  for (const slug of slugs) {
    const dir = join(root, slug)
    let story: { slug?: string; title: string; seedFile?: string }
    try {
      story = JSON.parse(await readFile(join(dir, 'story.json'), 'utf8')) as typeof story
    } catch {
      continue
    }
    const seed = await readFile(join(dir, story.seedFile ?? 'seed.txt'), 'utf8')
    const corpus = JSON.parse(await readFile(join(dir, 'corpus.json'), 'utf8')) as CorpusItem[]
    fixtures.push({ slug: story.slug ?? slug, title: story.title, seed, corpus })
  }
  return fixtures
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`
const num = (x: number): string => x.toFixed(3)

/** Per-story metrics as a markdown table. */
export function metricsTable(results: { slug: string; replay: StoryReplay }[]): string {
  const rows = results.map(({ slug, replay: { metrics: m } }) =>
    `| ${slug} | ${m.total} | ${m.positives} | ${m.truePositives} | ${m.falsePositives} | ${m.falseNegatives} | ${num(m.precision)} | ${num(m.recall)} | ${num(m.f1)} | ${pct(m.pMiss)} | ${pct(m.pFalseAlarm)} | ${num(m.cDet)} |`,
  )
  return [
    '| Story | Articles | Follow-ups | TP | FP | FN | Precision | Recall | F1 | P(miss) | P(fa) | Cdet (norm.) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n')
}

/** The misses and false alarms of one replay, one line each with its score. */
export function errorLines(replay: StoryReplay): string[] {
  return replay.items
    .filter((i) => i.label !== i.predicted)
    .map((i) => `${i.label ? 'miss' : 'false alarm'}  ${i.score.toFixed(3)}  [${i.category}] ${i.id}: ${i.title}`)
}

export const RESULTS_START = '<!-- eval:stories:start -->'
export const RESULTS_END = '<!-- eval:stories:end -->'

/** `file` with the section between the markers replaced by `section` (appended with its markers when absent). */
export function replaceSection(file: string, section: string): string {
  const block = `${RESULTS_START}\n${section.trim()}\n${RESULTS_END}`
  const start = file.indexOf(RESULTS_START)
  const end = file.indexOf(RESULTS_END)
  if (start >= 0 && end > start) return file.slice(0, start) + block + file.slice(end + RESULTS_END.length)
  return `${file.replace(/\s*$/, '')}\n\n${block}\n`
}
