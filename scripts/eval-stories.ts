// `npm run eval:stories`: replays every labelled story corpus in fixtures/stories/ and reports TDT tracking metrics.
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { errorLines, loadStoryFixtures, metricsTable, replaceSection, type ReplayStory } from './lib/story-eval.ts'

const root = fileURLToPath(new URL('../fixtures/stories/', import.meta.url))
const resultsFile = fileURLToPath(new URL('../bench/RESULTS.md', import.meta.url))
const write = !process.argv.includes('--no-write')

// Loaded by URL, as scripts/test does: src/ is bundler-resolved TypeScript that tsx runs and NodeNext cannot check.
const { replayStory } = (await import(new URL('../src/stories/track-corpus.ts', import.meta.url).href)) as { replayStory: ReplayStory }

const fixtures = await loadStoryFixtures(root)
if (fixtures.length === 0) throw new Error(`eval-stories: no story fixtures under ${root}`)
const results = fixtures.map((f) => ({ slug: f.slug, replay: replayStory(f) }))

for (const { slug, replay } of results) {
  console.log(`\n${slug}`)
  for (const line of errorLines(replay)) console.log(`  ${line}`)
}
const table = metricsTable(results)
console.log(`\n${table}\n`)

if (write) {
  const section = [
    '## Story tracking: evaluation (`npm run eval:stories`)',
    '',
    `Run ${new Date().toISOString()}. Each story's profile is built from its seed alone; the corpus is scored in`,
    '`publishedAt` order with the default threshold (0.5), adapting the profile on every predicted match as the live',
    'system does. Cdet is TDT\'s normalised detection cost (Cmiss = 1, Cfa = 0.1, Ptarget = 0.02). Targets: F1 ≥ 0.9, Cdet ≤ 0.15.',
    '',
    table,
  ].join('\n')
  let existing = ''
  try {
    existing = await readFile(resultsFile, 'utf8')
  } catch {
    existing = '# Benchmark results\n'
  }
  await writeFile(resultsFile, replaceSection(existing, section))
  console.log('eval-stories: wrote bench/RESULTS.md')
}
