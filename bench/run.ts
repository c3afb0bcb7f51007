// `npm run bench`: runs every benchmark and rewrites bench/RESULTS.md with the machine, Node version and date.
import { writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { runRevisionBenchmarks, toMarkdown as revisionTable } from './revisions.bench'
import { formatExtractPageTable, runExtractPageBench } from './extract-page.bench'

const started = new Date()
const cpu = cpus()[0]?.model ?? 'unknown CPU'
const sections: string[] = []

console.log('bench: revisions (diff and classify, Node)…')
sections.push('## Revisions: diff and classify (pure code, Node)\n\n' + revisionTable(runRevisionBenchmarks(50)))

console.log('bench: article page extraction (HTMLRewriter inside workerd via Miniflare)…')
sections.push('## Article page extraction (HTMLRewriter, inside workerd)\n\n' + formatExtractPageTable(await runExtractPageBench()))

const header = [
  '# Benchmark results',
  '',
  `Measured ${started.toISOString()} by \`npm run bench\` (bench/run.ts) on ${cpus().length} × ${cpu}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform} ${process.arch}.`,
  'Medians over repeated runs; each section says how it measured. These are this machine\'s numbers, not targets.',
  '',
].join('\n')

writeFileSync(new URL('./RESULTS.md', import.meta.url), `${header}\n${sections.join('\n\n')}\n`)
console.log('bench: wrote bench/RESULTS.md')
