// Bounded word-level diff (jsdiff) for display: the bound, never a clock, decides the cost.
import { diffWordsWithSpace, type ChangeObject } from 'diff'
import type { DiffOp } from '../model/alert'

/**
 * Edits beyond this many and the diff is abandoned. jsdiff's Myers spends about maxEditLength² steps before giving
 * up (2,000 cost ~340 ms on a 5,000-word rewrite, 500 ~40 ms): bodies go through diffBody, which stays far lower.
 */
export const MAX_EDIT_LENGTH = 500
/** Inputs longer than this (characters, per side) are not diffed at all. */
export const MAX_DIFF_INPUT_CHARS = 100_000

export interface WordDiff {
  /** null when a bound was exceeded: the texts differ too much to diff cheaply. */
  ops: DiffOp[] | null
  wordsAdded: number
  wordsRemoved: number
}

/** Words in a text: whitespace-separated tokens holding a letter or digit, so lone punctuation is not a word. */
export function countWords(text: string): number {
  const m = text.match(/\S*[\p{L}\p{N}]\S*/gu)
  return m ? m.length : 0
}

/**
 * Word diff of two texts. Whitespace runs are tokens too (jsdiff diffWordsWithSpace), so the ops rebuild both texts
 * exactly; plain diffWords moves whitespace between sides. Never uses jsdiff's `timeout`: in deployed Workers
 * `Date.now()` does not advance during CPU work, so only `maxEditLength` and the input cap bound it.
 */
export function wordDiff(before: string, after: string, maxEditLength: number = MAX_EDIT_LENGTH): WordDiff {
  if (before.length > MAX_DIFF_INPUT_CHARS || after.length > MAX_DIFF_INPUT_CHARS) {
    return { ops: null, wordsAdded: countWords(after), wordsRemoved: countWords(before) }
  }
  const changes = diffWordsWithSpace(before, after, { maxEditLength })
  if (!changes) return { ops: null, wordsAdded: countWords(after), wordsRemoved: countWords(before) }
  const ops = toDiffOps(changes)
  let wordsAdded = 0
  let wordsRemoved = 0
  for (const op of ops) {
    if (op.op === 'insert') wordsAdded += countWords(op.text)
    if (op.op === 'delete') wordsRemoved += countWords(op.text)
  }
  return { ops, wordsAdded, wordsRemoved }
}

/**
 * jsdiff changes as display ops: neighbours of one kind merged, and a change interrupted only by whitespace shown as
 * one deletion and one insertion ("a b" → "x y", not a→x, b→y). Rebuilds both texts exactly.
 */
export function toDiffOps(changes: ChangeObject<string>[]): DiffOp[] {
  const ops: DiffOp[] = []
  let deleted = ''
  let inserted = ''
  // Whitespace seen since the last change; it joins the change if another change follows.
  let gap = ''
  const push = (op: DiffOp['op'], text: string): void => {
    if (text === '') return
    const last = ops[ops.length - 1]
    if (last && last.op === op) last.text += text
    else ops.push({ op, text })
  }
  const flush = (): void => {
    push('delete', deleted)
    push('insert', inserted)
    deleted = ''
    inserted = ''
  }
  for (const c of changes) {
    if (c.added || c.removed) {
      if (gap !== '' && (deleted !== '' || inserted !== '')) {
        deleted += gap
        inserted += gap
      } else push('equal', gap)
      gap = ''
      if (c.added) inserted += c.value
      else deleted += c.value
    } else if (/^\s+$/.test(c.value) && (deleted !== '' || inserted !== '')) {
      gap += c.value
    } else {
      flush()
      push('equal', gap + c.value)
      gap = ''
    }
  }
  flush()
  push('equal', gap)
  return ops
}
