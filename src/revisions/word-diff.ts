// Bounded word-level diff (jsdiff) for display: the bound, never a clock, decides the cost.
import { diffWords } from 'diff'
import type { DiffOp } from '../model/alert'

/** Edits beyond this many and the diff is abandoned (Myers' cost grows with edit length × input length). */
export const MAX_EDIT_LENGTH = 2_000
/** Inputs longer than this (characters, per side) are not diffed at all. */
export const MAX_DIFF_INPUT_CHARS = 100_000

export interface WordDiff {
  /** null when a bound was exceeded: the texts differ too much to diff cheaply. */
  ops: DiffOp[] | null
  wordsAdded: number
  wordsRemoved: number
}

function countWords(text: string): number {
  const m = text.match(/\S+/g)
  return m ? m.length : 0
}

/**
 * Word diff of two texts. Never uses jsdiff's `timeout`: in deployed Workers `Date.now()` does not advance
 * during CPU work, so only `maxEditLength` and the input cap bound it.
 */
export function wordDiff(before: string, after: string): WordDiff {
  if (before.length > MAX_DIFF_INPUT_CHARS || after.length > MAX_DIFF_INPUT_CHARS) {
    return { ops: null, wordsAdded: countWords(after), wordsRemoved: countWords(before) }
  }
  const changes = diffWords(before, after, { maxEditLength: MAX_EDIT_LENGTH })
  if (!changes) return { ops: null, wordsAdded: countWords(after), wordsRemoved: countWords(before) }
  const ops: DiffOp[] = []
  let wordsAdded = 0
  let wordsRemoved = 0
  for (const c of changes) {
    const op: DiffOp['op'] = c.added ? 'insert' : c.removed ? 'delete' : 'equal'
    if (op === 'insert') wordsAdded += countWords(c.value)
    if (op === 'delete') wordsRemoved += countWords(c.value)
    const last = ops[ops.length - 1]
    if (last && last.op === op) last.text += c.value
    else ops.push({ op, text: c.value })
  }
  return { ops, wordsAdded, wordsRemoved }
}
