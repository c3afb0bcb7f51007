// Loads the labelled story corpora from fixtures/stories/ and formats replay results for the console and bench/RESULTS.md.
import { existsSync } from 'node:fs'
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
export type ReplayStory = (story: {
  title: string
  seeds: readonly string[]
  keywords?: string[]
  excludeKeywords?: string[]
  threshold?: number
  corpus: readonly CorpusItem[]
}) => StoryReplay

/** One story fixture: story.json, its seed files and corpus.json. */
export interface StoryFixture {
  slug: string
  title: string
  seeds: string[]
  keywords?: string[]
  excludeKeywords?: string[]
  threshold?: number
  corpus: CorpusItem[]
}

/** A fixture that cannot be read as a story: names the file and what is wrong with it. */
export class FixtureError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`)
    this.name = 'FixtureError'
  }
}

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8')
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new FixtureError(file, `not JSON (${error instanceof Error ? error.message : String(error)})`)
  }
}

function optionalStrings(file: string, story: Json, field: string): string[] | undefined {
  const value = story[field]
  if (value === undefined) return undefined
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) throw new FixtureError(file, `"${field}" must be an array of strings`)
  return value
}

/** story.json: `{ title, slug?, seedFile? | seedFiles?, keywords?, excludeKeywords?, threshold? }`. */
function parseStory(file: string, value: unknown): Omit<StoryFixture, 'seeds' | 'corpus'> & { seedFiles: string[] } {
  if (!isObject(value)) throw new FixtureError(file, 'must be a JSON object')
  const { title, slug, seedFile, seedFiles, threshold } = value
  if (typeof title !== 'string' || title.trim() === '') throw new FixtureError(file, '"title" must be a non-empty string')
  if (slug !== undefined && typeof slug !== 'string') throw new FixtureError(file, '"slug" must be a string')
  if (seedFile !== undefined && seedFiles !== undefined) throw new FixtureError(file, 'give "seedFile" or "seedFiles", not both')
  if (seedFile !== undefined && typeof seedFile !== 'string') throw new FixtureError(file, '"seedFile" must be a string')
  const files = seedFiles === undefined ? [typeof seedFile === 'string' ? seedFile : 'seed.txt'] : optionalStrings(file, value, 'seedFiles') ?? []
  if (files.length < 1 || files.length > 4) throw new FixtureError(file, '"seedFiles" must name one to four files')
  if (threshold !== undefined && (typeof threshold !== 'number' || !(threshold > 0 && threshold < 1))) throw new FixtureError(file, '"threshold" must be a number between 0 and 1')
  const story: Omit<StoryFixture, 'seeds' | 'corpus'> & { seedFiles: string[] } = { slug: typeof slug === 'string' ? slug : '', title, seedFiles: files }
  const keywords = optionalStrings(file, value, 'keywords')
  const excludeKeywords = optionalStrings(file, value, 'excludeKeywords')
  if (keywords !== undefined) story.keywords = keywords
  if (excludeKeywords !== undefined) story.excludeKeywords = excludeKeywords
  if (typeof threshold === 'number') story.threshold = threshold
  return story
}

/** corpus.json: an array of `{ id, label, title, text, publishedAt, category?, outlet? }` with unique ids. */
function parseCorpus(file: string, value: unknown): CorpusItem[] {
  if (!Array.isArray(value)) throw new FixtureError(file, 'must be a JSON array of labelled articles')
  const ids = new Set<string>()
  return value.map((raw, i): CorpusItem => {
    const where = `item ${i}`
    if (!isObject(raw)) throw new FixtureError(file, `${where} must be an object`)
    const { id, label, title, text, publishedAt, category, outlet } = raw
    if (typeof id !== 'string' || id === '') throw new FixtureError(file, `${where}: "id" must be a non-empty string`)
    if (ids.has(id)) throw new FixtureError(file, `${where}: id "${id}" is used twice`)
    ids.add(id)
    if (typeof label !== 'boolean') throw new FixtureError(file, `${where} (${id}): "label" must be true or false`)
    if (typeof title !== 'string') throw new FixtureError(file, `${where} (${id}): "title" must be a string`)
    if (typeof text !== 'string') throw new FixtureError(file, `${where} (${id}): "text" must be a string`)
    if (typeof publishedAt !== 'string' || Number.isNaN(Date.parse(publishedAt))) throw new FixtureError(file, `${where} (${id}): "publishedAt" must be a date (ISO 8601)`)
    if (category !== undefined && typeof category !== 'string') throw new FixtureError(file, `${where} (${id}): "category" must be a string`)
    if (outlet !== undefined && typeof outlet !== 'string') throw new FixtureError(file, `${where} (${id}): "outlet" must be a string`)
    return { id, label, title, text, publishedAt, category: category ?? (label ? 'follow_up' : 'other'), outlet: outlet ?? '' }
  })
}

/**
 * Every `<root>/<slug>/` directory that has a story.json, sorted by slug. A directory without story.json is not a
 * story and is skipped; a story whose files are missing or malformed throws a FixtureError naming the file.
 */
export async function loadStoryFixtures(root: string): Promise<StoryFixture[]> {
  const slugs = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()
  const fixtures: StoryFixture[] = []
  for (const slug of slugs) {
    const dir = join(root, slug)
    const storyFile = join(dir, 'story.json')
    if (!existsSync(storyFile)) continue
    const { seedFiles, ...story } = parseStory(storyFile, await readJson(storyFile))
    const seeds: string[] = []
    for (const name of seedFiles) {
      const seedPath = join(dir, name)
      if (!existsSync(seedPath)) throw new FixtureError(storyFile, `seed file ${name} does not exist`)
      const text = await readFile(seedPath, 'utf8')
      if (text.trim() === '') throw new FixtureError(seedPath, 'the seed is empty')
      seeds.push(text)
    }
    const corpusFile = join(dir, 'corpus.json')
    if (!existsSync(corpusFile)) throw new FixtureError(storyFile, 'corpus.json is missing beside it')
    const corpus = parseCorpus(corpusFile, await readJson(corpusFile))
    if (!corpus.some((c) => c.label)) throw new FixtureError(corpusFile, 'no item is labelled true: recall would be undefined')
    fixtures.push({ ...story, slug: story.slug === '' ? slug : story.slug, seeds, corpus })
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
