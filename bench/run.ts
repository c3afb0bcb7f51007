// `npm run bench`: runs every benchmark and rewrites bench/RESULTS.md with the machine, Node version and date.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { runRevisionBenchmarks, toMarkdown as revisionTable } from './revisions.bench'
import { formatExtractPageTable, runExtractPageBench } from './extract-page.bench'
import { formatStoryBench, runStoryBench } from './stories.bench'
import { formatFeedCheckTable, runFeedCheckBench } from './feed-check.bench'

const started = new Date()
const cpu = cpus()[0]?.model ?? 'unknown CPU'
const sections: string[] = []

console.log('bench: revisions (diff and classify, Node)…')
sections.push('## Revisions: diff and classify (pure code, Node)\n\n' + revisionTable(runRevisionBenchmarks(50)))

console.log('bench: article page extraction (HTMLRewriter inside workerd via Miniflare)…')
sections.push('## Article page extraction (HTMLRewriter, inside workerd)\n\n' + formatExtractPageTable(await runExtractPageBench()))

console.log('bench: story matching (20 stories, one core)…')
sections.push('## Story matching (20 stories, one core, Node)\n\n' + formatStoryBench([runStoryBench('distinct'), runStoryBench('same-topic')]))

console.log('bench: CPU per feed-check (50-item RSS feed, refreshFeed + followStories on in-memory KV, Node)…')
sections.push('## CPU per feed-check (50-item feed, Node)\n\n' + formatFeedCheckTable(await runFeedCheckBench(60)))

// The story evaluation (`npm run eval:stories`) owns its own block of RESULTS.md; keep it.
const resultsUrl = new URL('./RESULTS.md', import.meta.url)
const previous = existsSync(resultsUrl) ? readFileSync(resultsUrl, 'utf8') : ''
const evalStart = previous.indexOf('<!-- eval:stories:start -->')
const evalEnd = previous.indexOf('<!-- eval:stories:end -->')
const evalBlock = evalStart >= 0 && evalEnd > evalStart ? previous.slice(evalStart, evalEnd + '<!-- eval:stories:end -->'.length) : ''

const header = [
  '# Benchmark results',
  '',
  `Measured ${started.toISOString()} by \`npm run bench\` (bench/run.ts) on ${cpus().length} × ${cpu}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform} ${process.arch}.`,
  'Medians over repeated runs; each section says how it measured. These are this machine\'s numbers, not targets.',
  '',
].join('\n')

writeFileSync(resultsUrl, `${header}\n${sections.join('\n\n')}\n${evalBlock ? `\n${evalBlock}\n` : ''}`)
console.log('bench: wrote bench/RESULTS.md')
