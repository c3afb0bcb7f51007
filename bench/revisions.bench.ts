// Benchmarks revision diffing and classification in Node: median time and peak memory per case (npx tsx bench/revisions.bench.ts).
import { pathToFileURL } from 'node:url'
import { classifyRevision, type RevisionAnalysis, type RevisionFields } from '../src/revisions/classify-revision'
import { prng } from './lib/news-text'

/** One benchmark case's result. */
export interface BenchResult {
  name: string
  runs: number
  medianMs: number
  maxMs: number
  /** process.memoryUsage() sampled after every run, maximum over the case. */
  peakRssMb: number
  peakHeapUsedMb: number
  classification: RevisionAnalysis['classification']
  bounded: boolean
}

interface BenchCase {
  name: string
  before: RevisionFields
  after: RevisionFields
}

const VOCABULARY = (
  'council minister report inquiry residents funding police hospital said would after plans week vote local school ' +
  'staff costs rose new government spokesperson figures union strike health patients water company chief executive ' +
  'court judge evidence told jury officers investigation families community budget million pounds year last month'
).split(' ')

/** News-like sentences of 12–28 words, three to a paragraph; `tag` gives a disjoint vocabulary. */
function sentencesOf(words: number, seed: number, tag = ''): string[] {
  const next = prng(seed)
  const out: string[] = []
  for (let total = 0; total < words; ) {
    const length = Math.min(words - total, 12 + Math.floor(next() * 17))
    const sentence = Array.from({ length }, () => `${VOCABULARY[Math.floor(next() * VOCABULARY.length)] ?? 'news'}${tag}`).join(' ')
    out.push(`${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`)
    total += length
  }
  return out
}

function bodyOf(sentences: string[]): string {
  const paragraphs: string[] = []
  for (let i = 0; i < sentences.length; i += 3) paragraphs.push(sentences.slice(i, i + 3).join(' '))
  return paragraphs.join('\n\n')
}

function version(content: string, title = 'Council approves flood defence scheme'): RevisionFields {
  return { title, summary: 'The scheme will protect about 400 homes.', content, author: 'Jane Smith', url: 'https://news.example.com/a' }
}

function cases(): BenchCase[] {
  const thousand = sentencesOf(1_000, 1)
  const middle = Math.floor(thousand.length / 2)
  const oneEdited = thousand.map((s, i) => (i === middle ? s.replace(/ \w+ \w+\.$/, ' on Tuesday night, officials said.') : s))
  const fiveThousand = sentencesOf(5_000, 2)
  const quarterEdited = fiveThousand.map((s, i) => (i % 4 === 0 ? s.replace(/^\w+/, 'Meanwhile') : s))
  return [
    { name: '1,000-word article, one sentence edited', before: version(bodyOf(thousand)), after: version(bodyOf(oneEdited)) },
    { name: '5,000-word article, fully rewritten', before: version(bodyOf(fiveThousand)), after: version(bodyOf(sentencesOf(5_000, 3, 'x'))) },
    { name: '5,000-word article, every 4th sentence edited', before: version(bodyOf(fiveThousand)), after: version(bodyOf(quarterEdited)) },
  ]
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

const MB = 1024 * 1024

/** Runs every case `runs` times (after a few warm-up runs) and returns the results. */
export function runRevisionBenchmarks(runs = 50): BenchResult[] {
  return cases().map((c) => {
    for (let i = 0; i < 5; i++) classifyRevision(c.before, c.after)
    const times: number[] = []
    let peakRss = 0
    let peakHeap = 0
    let analysis: RevisionAnalysis | undefined
    for (let i = 0; i < runs; i++) {
      const start = performance.now()
      analysis = classifyRevision(c.before, c.after)
      times.push(performance.now() - start)
      const mem = process.memoryUsage()
      peakRss = Math.max(peakRss, mem.rss)
      peakHeap = Math.max(peakHeap, mem.heapUsed)
    }
    return {
      name: c.name,
      runs,
      medianMs: Math.round(median(times) * 100) / 100,
      maxMs: Math.round(Math.max(...times) * 100) / 100,
      peakRssMb: Math.round((peakRss / MB) * 10) / 10,
      peakHeapUsedMb: Math.round((peakHeap / MB) * 10) / 10,
      classification: analysis?.classification ?? 'unchanged',
      bounded: analysis?.bounded ?? false,
    }
  })
}

/** The results as a markdown table. */
export function toMarkdown(results: BenchResult[]): string {
  const rows = results.map(
    (r) => `| ${r.name} | ${r.runs} | ${r.medianMs} | ${r.maxMs} | ${r.peakRssMb} | ${r.peakHeapUsedMb} | ${r.classification}${r.bounded ? ' (bounded)' : ''} |`,
  )
  return [
    '| Case | Runs | Median ms | Max ms | Peak RSS MB | Peak heap MB | Result |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
  ].join('\n')
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = Number(process.env.BENCH_RUNS ?? 50)
  console.log(`Revision diff and classify, Node ${process.version}, ${runs} runs per case\n`)
  console.log(toMarkdown(runRevisionBenchmarks(runs)))
}
