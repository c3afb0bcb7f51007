// GNU patch applies every unifiedPatch between fixture versions exactly: the ?format=patch promise of issue 3.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, describe, it } from 'node:test'

interface RevisionTextModule {
  revisionText(fields: { title: string; content: string; summary: string }): string
  unifiedPatch(fromText: string, toText: string, fromLabel: string, toLabel: string): string
}
// src/ uses extensionless imports (bundler resolution), which this NodeNext project cannot type-check; tsx runs them.
const REVISION_TEXT = new URL('../../src/revisions/revision-text.ts', import.meta.url).href
const { revisionText, unifiedPatch } = (await import(REVISION_TEXT)) as RevisionTextModule

const CHAINS_DIR = fileURLToPath(new URL('../../fixtures/revisions/', import.meta.url))
const work = mkdtempSync(join(tmpdir(), 'storywatch-patch-'))
after(() => rmSync(work, { recursive: true, force: true }))

interface Chain {
  slug: string
  /** Raw fixture texts, v1 first. */
  versions: string[]
}

function loadChains(): Chain[] {
  return readdirSync(CHAINS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const files = readdirSync(join(CHAINS_DIR, d.name))
        .filter((f) => /^v\d+\.txt$/.test(f))
        .sort((a, b) => Number(a.slice(1, -4)) - Number(b.slice(1, -4)))
      return { slug: d.name, versions: files.map((f) => readFileSync(join(CHAINS_DIR, d.name, f), 'utf8')) }
    })
}

/** A fixture file as a version: first line the headline, the rest the body. */
function documentOf(raw: string): string {
  const newline = raw.indexOf('\n')
  return revisionText({ title: newline === -1 ? raw : raw.slice(0, newline), summary: '', content: newline === -1 ? '' : raw.slice(newline + 1) })
}

let run = 0
/** Runs `patch -o out.txt from.txt < diff` and returns what it wrote. */
function gnuPatch(from: string, diff: string): string {
  const dir = join(work, String(run++))
  mkdirSync(dir)
  const fromFile = join(dir, 'from.txt')
  const outFile = join(dir, 'out.txt')
  writeFileSync(fromFile, from)
  const result = spawnSync('/usr/bin/patch', ['-o', outFile, fromFile], { input: diff, encoding: 'utf8' })
  assert.equal(result.status, 0, `patch failed: ${result.stdout}${result.stderr}\n--- diff ---\n${diff}`)
  // Cleanly: every hunk where its header says, with all its context.
  assert.doesNotMatch(result.stdout + result.stderr, /fuzz|offset|reversed|malformed/i)
  return readFileSync(outFile, 'utf8')
}

/** Every ordered pair worth checking: consecutive versions, first to last, and backwards (a revert). */
function pairs(n: number): [number, number][] {
  const out: [number, number][] = []
  for (let i = 1; i < n; i++) out.push([i - 1, i], [i, i - 1])
  if (n > 2) out.push([0, n - 1])
  return out
}

describe('unifiedPatch round trip through GNU patch', () => {
  const chains = loadChains()

  it('has at least five fixture chains of at least two versions', () => {
    assert.ok(chains.length >= 5)
    for (const chain of chains) assert.ok(chain.versions.length >= 2, chain.slug)
  })

  for (const chain of chains) {
    it(`applies every patch between the ?format=text documents of ${chain.slug}`, () => {
      const docs = chain.versions.map(documentOf)
      for (const [i, j] of pairs(docs.length)) {
        const from = docs[i] ?? ''
        const to = docs[j] ?? ''
        const diff = unifiedPatch(from, to, `${chain.slug}/v${i + 1}.txt`, `${chain.slug}/v${j + 1}.txt`)
        if (from === to) assert.equal(diff, '')
        else assert.equal(gnuPatch(from, diff), to, `v${i + 1} → v${j + 1}`)
      }
    })

    it(`applies every patch between the raw files of ${chain.slug}, final newline or not`, () => {
      for (const [i, j] of pairs(chain.versions.length)) {
        const from = chain.versions[i] ?? ''
        const to = chain.versions[j] ?? ''
        const diff = unifiedPatch(from, to, 'a/article.txt', 'b/article.txt')
        if (from !== to) assert.equal(gnuPatch(from, diff), to, `v${i + 1} → v${j + 1}`)
      }
    })
  }

  it('creates a document from nothing and deletes one to nothing', () => {
    const doc = documentOf(chains[0]?.versions[0] ?? '')
    assert.equal(gnuPatch('', unifiedPatch('', doc, 'a', 'b')), doc)
    assert.equal(gnuPatch(doc, unifiedPatch(doc, '', 'a', 'b')), '')
  })

  it('falls back to one whole-document hunk past the edit bound and still applies', () => {
    const lines = (prefix: string, n: number, end: string): string => Array.from({ length: n }, (_, i) => `${prefix} line ${i}`).join('\n') + end
    const from = lines('old', 800, '')
    const to = lines('new', 700, '\n')
    const diff = unifiedPatch(from, to, 'a', 'b')
    assert.equal((diff.match(/^@@ /gm) ?? []).length, 1)
    assert.match(diff, /^\\ No newline at end of file$/m)
    assert.equal(gnuPatch(from, diff), to)
  })
})
