// `npm run eval:stories`: replays every labelled story corpus in fixtures/stories/ (or `--dir <path>`) and reports TDT
// tracking metrics. `--no-write` prints only; a corpus of your own (`--dir`) is never written into bench/RESULTS.md.
import { readFile, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { errorLines, FixtureError, loadStoryFixtures, metricsTable, replaceSection, type ReplayStory } from './lib/story-eval.ts'

const defaultRoot = fileURLToPath(new URL('../fixtures/stories/', import.meta.url))
const resultsFile = fileURLToPath(new URL('../bench/RESULTS.md', import.meta.url))

function usage(problem: string): never {
  console.error(`eval-stories: ${problem}\nusage: npm run eval:stories -- [--dir <directory of story folders>] [--no-write]`)
  process.exit(2)
}

const args = process.argv.slice(2)
let root = defaultRoot
let write = true
for (let i = 0; i < args.length; i++) {
  const arg = args[i]
  if (arg === '--no-write') write = false
  else if (arg === '--dir') {
    const dir = args[++i]
    if (dir === undefined || dir.startsWith('--')) usage('--dir needs a directory')
    root = resolve(dir)
    write = false
  } else usage(`unknown argument ${arg}`)
}

// Loaded by URL, as scripts/test does: src/ is bundler-resolved TypeScript that tsx runs and NodeNext cannot check.
const { replayStory } = (await import(new URL('../src/stories/track-corpus.ts', import.meta.url).href)) as { replayStory: ReplayStory }

let fixtures
try {
  fixtures = await loadStoryFixtures(root)
} catch (error) {
  if (error instanceof FixtureError) usage(error.message)
  if (error instanceof Error && 'code' in error && error.code === 'ENOENT') usage(`no such directory: ${root}`)
  throw error
}
if (fixtures.length === 0) usage(`no story folders (a folder with story.json, seed file and corpus.json) under ${root}`)
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
    `Run ${new Date().toISOString()}. Each story's profile is built from its seeds alone; the corpus is scored in`,
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
