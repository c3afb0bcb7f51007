// Bounded sentence-level diff of an article body: NewsEdits changes (added, deleted, edited, moved) and display ops.
import { diffArrays, diffWords, diffWordsWithSpace } from 'diff'
import type { DiffOp } from '../model/alert'
import { splitParagraphs, splitSentences } from './sentences'
import { countWords, toDiffOps } from './word-diff'

/** Sentence changes in the NewsEdits taxonomy (Spangher et al., NAACL 2022). */
export interface SentenceChanges {
  /** New sentences, in the order of the later version. */
  added: string[]
  /** Sentences gone, in the order of the earlier version. */
  deleted: string[]
  /** A deleted and an added sentence similar enough to be one sentence reworded, in the order of the earlier version. */
  edited: { before: string; after: string }[]
  /** Identical sentences outside the longest common subsequence: they changed place, in the order of the later version. */
  moved: string[]
}

export interface BodyDiffOptions {
  /** Sentences per side beyond which the body is not diffed. */
  maxSentences: number
  /** Sentence insertions plus deletions beyond which the diff is abandoned (jsdiff maxEditLength). */
  maxSentenceEdits: number
  /** Dice similarity of word sets at or above which a deleted and an added sentence are one edited sentence. */
  editedSimilarity: number
  /** The same, for a deleted and an added sentence replacing each other in place (one changed region). */
  editedSimilarityInPlace: number
  /** Deleted × added sentence pairs beyond which no pairing is tried (all stay deleted and added). */
  maxPairComparisons: number
  /** A changed region with more words than this on either side is shown as one deletion and one insertion. */
  regionMaxWords: number
  /** Words, over all changed regions, that may be word-diffed for display; the rest is shown whole. */
  wordDiffBudget: number
}

export const DEFAULT_BODY_DIFF_OPTIONS: BodyDiffOptions = {
  maxSentences: 2_000,
  // jsdiff's Myers costs about maxEditLength² before giving up: 300 is ~10 ms in the worst case on this machine.
  maxSentenceEdits: 300,
  editedSimilarity: 0.5,
  // A sentence rewritten where it stood keeps fewer words than one moved and edited needs to be recognised.
  editedSimilarityInPlace: 0.35,
  maxPairComparisons: 40_000,
  regionMaxWords: 300,
  wordDiffBudget: 20_000,
}

// Word diffs inside one changed region or one edited sentence pair stay small, so their bound is small too.
const REGION_MAX_EDIT_LENGTH = 120

interface WordCounts {
  wordsAdded: number
  wordsRemoved: number
  wordsBefore: number
  wordsAfter: number
}

export type BodyDiff =
  | ({ kind: 'diffed'; ops: DiffOp[]; sentences: SentenceChanges } & WordCounts)
  /** A bound was exceeded: counts are whole-body word counts (everything removed, everything added). */
  | ({ kind: 'bounded'; reason: 'too_many_sentences' | 'too_many_edits' } & WordCounts)

interface Unit {
  text: string
  /** The separator that follows the sentence in the text (" ", "\n", "\n\n" or "" at the end). */
  sep: string
}

/**
 * Diffs two normalised bodies sentence by sentence (jsdiff diffArrays with maxEditLength, input capped), then
 * pairs similar deleted and added sentences as edits, and builds word-level display ops region by region. The ops
 * rebuild both texts exactly. Moved sentences count no words; an edited sentence counts only its changed words.
 */
export function diffBody(before: string, after: string, options: Partial<BodyDiffOptions> = {}): BodyDiff {
  const opts = { ...DEFAULT_BODY_DIFF_OPTIONS, ...options }
  const wordsBefore = countWords(before)
  const wordsAfter = countWords(after)
  const bounded = (reason: 'too_many_sentences' | 'too_many_edits'): BodyDiff => ({
    kind: 'bounded', reason, wordsAdded: wordsAfter, wordsRemoved: wordsBefore, wordsBefore, wordsAfter,
  })
  const left = toUnits(before)
  const right = toUnits(after)
  if (left.length > opts.maxSentences || right.length > opts.maxSentences) return bounded('too_many_sentences')
  const leftTexts = left.map((u) => u.text)
  const rightTexts = right.map((u) => u.text)
  // Every sentence in one multiset and not the other costs at least one edit: a cheap lower bound that turns a full
  // rewrite away before Myers spends its whole budget on it.
  if (multisetDifference(leftTexts, rightTexts) > opts.maxSentenceEdits) return bounded('too_many_edits')
  const changes = diffArrays(leftTexts, rightTexts, { maxEditLength: opts.maxSentenceEdits })
  if (!changes) return bounded('too_many_edits')

  const ops = new OpList()
  const removed: RegionSentence[] = []
  const added: RegionSentence[] = []
  let region = 0
  let budget = opts.wordDiffBudget
  let li = 0
  let ri = 0
  let regionLeft: Unit[] = []
  let regionRight: Unit[] = []
  const flushRegion = (): void => {
    if (regionLeft.length === 0 && regionRight.length === 0) return
    const from = joinUnits(regionLeft)
    const to = joinUnits(regionRight)
    const fromWords = countWords(from)
    const toWords = countWords(to)
    const small = fromWords > 0 && toWords > 0 && fromWords <= opts.regionMaxWords && toWords <= opts.regionMaxWords
    const diffed = small && fromWords + toWords <= budget ? diffWordsWithSpace(from, to, { maxEditLength: REGION_MAX_EDIT_LENGTH }) : undefined
    if (diffed) {
      budget -= fromWords + toWords
      for (const op of toDiffOps(diffed)) ops.push(op.op, op.text)
    } else {
      ops.push('delete', from)
      ops.push('insert', to)
    }
    regionLeft = []
    regionRight = []
    region++
  }
  for (const change of changes) {
    const count = change.count ?? change.value.length
    if (change.removed) {
      for (const unit of left.slice(li, li + count)) {
        regionLeft.push(unit)
        removed.push({ text: unit.text, region })
      }
      li += count
    } else if (change.added) {
      for (const unit of right.slice(ri, ri + count)) {
        regionRight.push(unit)
        added.push({ text: unit.text, region })
      }
      ri += count
    } else {
      flushRegion()
      for (let k = 0; k < count; k++) {
        const l = left[li + k]
        const r = right[ri + k]
        if (!l || !r) continue
        ops.push('equal', l.text)
        if (l.sep === r.sep) {
          ops.push('equal', l.sep)
        } else {
          ops.push('delete', l.sep)
          ops.push('insert', r.sep)
        }
      }
      li += count
      ri += count
    }
  }
  flushRegion()

  const sentences = classifySentences(removed, added, opts)
  let wordsAdded = sentences.added.reduce((n, s) => n + countWords(s), 0)
  let wordsRemoved = sentences.deleted.reduce((n, s) => n + countWords(s), 0)
  for (const pair of sentences.edited) {
    const d = pairWordCounts(pair.before, pair.after)
    wordsAdded += d.added
    wordsRemoved += d.removed
  }
  return { kind: 'diffed', ops: ops.ops, sentences, wordsAdded, wordsRemoved, wordsBefore, wordsAfter }
}

/** A sentence outside the common subsequence, with the changed region it sits in. */
interface RegionSentence {
  text: string
  region: number
}

/** Splits removed and added sentences into moved, edited (paired by similarity), deleted and added. */
function classifySentences(removed: RegionSentence[], added: RegionSentence[], opts: BodyDiffOptions): SentenceChanges {
  const addedCounts = tally(added.map((s) => s.text))
  const removedCounts = tally(removed.map((s) => s.text))
  const moved: string[] = []
  const addedRest: RegionSentence[] = []
  for (const s of added) {
    const n = removedCounts.get(s.text) ?? 0
    if (n > 0) {
      removedCounts.set(s.text, n - 1)
      moved.push(s.text)
    } else addedRest.push(s)
  }
  const deletedRest: RegionSentence[] = []
  for (const s of removed) {
    const n = addedCounts.get(s.text) ?? 0
    if (n > 0) addedCounts.set(s.text, n - 1)
    else deletedRest.push(s)
  }

  const pairOf = new Map<number, number>()
  if (deletedRest.length * addedRest.length <= opts.maxPairComparisons) {
    const leftSets = deletedRest.map((s) => wordSet(s.text))
    const rightSets = addedRest.map((s) => wordSet(s.text))
    const candidates: { d: number; a: number; score: number }[] = []
    leftSets.forEach((ls, d) => {
      rightSets.forEach((rs, a) => {
        const score = dice(ls, rs)
        const inPlace = deletedRest[d]?.region === addedRest[a]?.region
        if (score >= (inPlace ? opts.editedSimilarityInPlace : opts.editedSimilarity)) candidates.push({ d, a, score })
      })
    })
    // Greedy by best match; ties go to the earliest sentences so the result does not depend on sort stability.
    candidates.sort((x, y) => y.score - x.score || x.d - y.d || x.a - y.a)
    const usedAdded = new Set<number>()
    for (const c of candidates) {
      if (pairOf.has(c.d) || usedAdded.has(c.a)) continue
      pairOf.set(c.d, c.a)
      usedAdded.add(c.a)
    }
  }
  const pairedAdded = new Set(pairOf.values())
  const edited: { before: string; after: string }[] = []
  const deleted: string[] = []
  deletedRest.forEach((s, d) => {
    const a = pairOf.get(d)
    if (a === undefined) deleted.push(s.text)
    else edited.push({ before: s.text, after: addedRest[a]?.text ?? '' })
  })
  return { added: addedRest.filter((_, a) => !pairedAdded.has(a)).map((s) => s.text), deleted, edited, moved }
}

function pairWordCounts(before: string, after: string): { added: number; removed: number } {
  const changes = diffWords(before, after, { maxEditLength: REGION_MAX_EDIT_LENGTH })
  if (!changes) return { added: countWords(after), removed: countWords(before) }
  let added = 0
  let removed = 0
  for (const c of changes) {
    if (c.added) added += countWords(c.value)
    else if (c.removed) removed += countWords(c.value)
  }
  return { added, removed }
}

function toUnits(text: string): Unit[] {
  const sentences = splitParagraphs(text).flatMap(splitSentences)
  const units: Unit[] = []
  let cursor = 0
  let previous: { text: string; end: number } | null = null
  for (const s of sentences) {
    const at = text.indexOf(s, cursor)
    // Sentences are substrings of normalised text; if one is not (unnormalised input), fall back to a space.
    const start = at === -1 ? cursor : at
    if (previous) units.push({ text: previous.text, sep: at === -1 ? ' ' : text.slice(previous.end, start) })
    previous = { text: s, end: at === -1 ? cursor : at + s.length }
    cursor = previous.end
  }
  if (previous) units.push({ text: previous.text, sep: '' })
  return units
}

function joinUnits(units: Unit[]): string {
  return units.map((u) => u.text + u.sep).join('')
}

function tally(items: string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const s of items) counts.set(s, (counts.get(s) ?? 0) + 1)
  return counts
}

function multisetDifference(a: string[], b: string[]): number {
  const counts = tally(a)
  let onlyB = 0
  for (const s of b) {
    const n = counts.get(s) ?? 0
    if (n > 0) counts.set(s, n - 1)
    else onlyB++
  }
  let onlyA = 0
  for (const n of counts.values()) onlyA += n
  return onlyA + onlyB
}

function wordSet(sentence: string): Set<string> {
  return new Set(sentence.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
}

function dice(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1
  let shared = 0
  for (const w of a) if (b.has(w)) shared++
  return (2 * shared) / (a.size + b.size)
}

/** Appends ops, merging neighbours of the same kind and dropping empty text. */
class OpList {
  readonly ops: DiffOp[] = []

  push(op: DiffOp['op'], text: string): void {
    if (text === '') return
    const last = this.ops[this.ops.length - 1]
    if (last && last.op === op) last.text += text
    else this.ops.push({ op, text })
  }
}
