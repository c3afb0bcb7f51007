// Loading labelled story corpora for npm run eval:stories: what a good fixture gives, and the error a bad one gets.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import { FixtureError, loadStoryFixtures } from '../lib/story-eval.ts'

const run = promisify(execFile)
const ITEM = { id: 'a-1', label: true, title: 'Headline', text: 'Body.', publishedAt: '2026-01-02T10:00:00Z' }

let root = ''
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'storywatch-eval-'))
})
after(async () => {
  await rm(root, { recursive: true, force: true })
})

/** Writes one story folder under a fresh directory and returns that directory. */
async function storyDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(root, 'case-'))
  await mkdir(join(dir, 'story'))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, 'story', name), text)
  return dir
}

async function rejection(dir: string): Promise<string> {
  try {
    await loadStoryFixtures(dir)
  } catch (error) {
    assert.ok(error instanceof FixtureError, `expected a FixtureError, got ${String(error)}`)
    return error.message
  }
  assert.fail('the fixture loaded')
}

describe('loadStoryFixtures', () => {
  it('loads a story with several seeds, its keywords and threshold, and defaults category and outlet', async () => {
    const dir = await storyDir({
      'story.json': JSON.stringify({ title: 'A story', seedFiles: ['one.txt', 'two.txt'], keywords: ['k'], threshold: 0.6 }),
      'one.txt': 'First seed.',
      'two.txt': 'Second seed.',
      'corpus.json': JSON.stringify([ITEM, { ...ITEM, id: 'a-2', label: false }]),
    })
    const [story] = await loadStoryFixtures(dir)
    assert.deepEqual(story?.seeds, ['First seed.', 'Second seed.'])
    assert.deepEqual(story?.keywords, ['k'])
    assert.equal(story?.threshold, 0.6)
    assert.equal(story?.slug, 'story')
    assert.deepEqual(story?.corpus.map((c) => [c.category, c.outlet]), [['follow_up', ''], ['other', '']])
  })

  it('skips a folder without story.json', async () => {
    const dir = await storyDir({ 'notes.txt': 'not a story' })
    assert.deepEqual(await loadStoryFixtures(dir), [])
  })

  it('names the file when story.json is not JSON', async () => {
    const dir = await storyDir({ 'story.json': '{ title: ', 'seed.txt': 's', 'corpus.json': '[]' })
    assert.match(await rejection(dir), /story\.json: not JSON/)
  })

  it('names the item and the field of a corpus entry whose label is not a boolean', async () => {
    const dir = await storyDir({ 'story.json': '{"title":"T"}', 'seed.txt': 'Seed.', 'corpus.json': JSON.stringify([ITEM, { ...ITEM, id: 'a-2', label: 'yes' }]) })
    assert.match(await rejection(dir), /corpus\.json: item 1 \(a-2\): "label" must be true or false/)
  })

  it('refuses ids used twice, dates that do not parse, a missing seed file and an out-of-range threshold', async () => {
    const twice = await storyDir({ 'story.json': '{"title":"T"}', 'seed.txt': 'Seed.', 'corpus.json': JSON.stringify([ITEM, ITEM]) })
    assert.match(await rejection(twice), /id "a-1" is used twice/)
    const badDate = await storyDir({ 'story.json': '{"title":"T"}', 'seed.txt': 'Seed.', 'corpus.json': JSON.stringify([{ ...ITEM, publishedAt: 'last Tuesday' }]) })
    assert.match(await rejection(badDate), /"publishedAt" must be a date/)
    const noSeed = await storyDir({ 'story.json': '{"title":"T","seedFile":"missing.txt"}', 'corpus.json': JSON.stringify([ITEM]) })
    assert.match(await rejection(noSeed), /seed file missing\.txt does not exist/)
    const threshold = await storyDir({ 'story.json': '{"title":"T","threshold":5}', 'seed.txt': 'Seed.', 'corpus.json': JSON.stringify([ITEM]) })
    assert.match(await rejection(threshold), /"threshold" must be a number between 0 and 1/)
  })

  it('refuses a corpus with no follow-up, whose recall would be undefined', async () => {
    const dir = await storyDir({ 'story.json': '{"title":"T"}', 'seed.txt': 'Seed.', 'corpus.json': JSON.stringify([{ ...ITEM, label: false }]) })
    assert.match(await rejection(dir), /no item is labelled true/)
  })
})

describe('npm run eval:stories -- --dir', () => {
  const script = fileURLToPath(new URL('../eval-stories.ts', import.meta.url))

  it('evaluates a corpus of your own and leaves bench/RESULTS.md alone', async () => {
    const dir = await storyDir({
      'story.json': '{"title":"Harbour bridge closure"}',
      'seed.txt': 'The Harbour Bridge will close for six months of repairs, the council said, after engineers found corroded cables.',
      'corpus.json': JSON.stringify([
        { ...ITEM, title: 'Harbour Bridge closure delayed as cable repairs widen', text: 'Engineers found more corroded cables on the Harbour Bridge; the council said the closure would last longer.' },
        { ...ITEM, id: 'a-2', label: false, title: 'Local team wins cup final', text: 'The football club won the cup final on penalties.' },
      ]),
    })
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, '--dir', dir])
    assert.match(stdout, /\| story \| 2 \| 1 \|/)
    assert.doesNotMatch(stdout, /wrote bench\/RESULTS\.md/)
  })

  it('exits 2 with the reason when the directory does not exist', async () => {
    await assert.rejects(run(process.execPath, ['--import', 'tsx', script, '--dir', join(root, 'nowhere')]), (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 2)
      assert.match(error.stderr ?? '', /no such directory/)
      return true
    })
  })
})
