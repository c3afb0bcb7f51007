// Turns word-level diff ops into display paragraphs, with moved sentences carved out of their delete / insert ops.
import type { DiffOp } from '../../model/alert'

/**
 * One run of text to display. `moved` is a sentence at its new place, `moved-from` the place it left (shown as a
 * marker, not as a deletion). `pilcrow` marks a paragraph break that one version has and the other has not.
 */
export interface Segment {
  kind: 'equal' | 'insert' | 'delete' | 'moved' | 'moved-from'
  text: string
  pilcrow?: true
  /** For 'moved' and 'moved-from': whether the sentence went up or down the article. */
  direction?: 'up' | 'down'
}

export interface DiffParagraph {
  segments: Segment[]
  /** True when any segment is not 'equal': a paragraph without changes may be folded away. */
  changed: boolean
}

const PARAGRAPH_BREAK = '\n\n'
// Carving scans every delete / insert op once per moved sentence; past this many, moves are shown as delete + insert.
const MAX_MOVED_SENTENCES = 200

/**
 * Splits `ops` into paragraphs at blank lines and marks every sentence of `moved` as moved: at most one occurrence
 * per side per listed sentence, and only where the op holds it whole (a sentence the word diff split across ops
 * stays a delete and an insert).
 */
export function diffParagraphs(ops: readonly DiffOp[], moved: readonly string[] = []): DiffParagraph[] {
  const segments = moved.length > 0 && moved.length <= MAX_MOVED_SENTENCES ? carveMoved(ops, moved) : ops.map((o) => ({ kind: o.op, text: o.text }))
  const paragraphs: DiffParagraph[] = []
  let current: Segment[] = []
  const close = (): void => {
    if (current.some((s) => s.text.trim() !== '')) paragraphs.push({ segments: current, changed: current.some((s) => s.kind !== 'equal') })
    current = []
  }
  segments.forEach((segment, index) => {
    const pieces = segment.text.split(PARAGRAPH_BREAK)
    // A break added or removed only because a sentence moved across paragraphs is part of the move, not a change.
    const besideMove = segment.text.trim() === '' && [segments[index - 1], segments[index + 1]].some((s) => s?.kind === 'moved' || s?.kind === 'moved-from')
    pieces.forEach((piece, i) => {
      if (i > 0) {
        if ((segment.kind === 'insert' || segment.kind === 'delete') && !besideMove) current.push({ kind: segment.kind, text: '¶', pilcrow: true })
        close()
      }
      // Line breaks next to a paragraph break belong to neither paragraph.
      const text = trimNewlines(piece, i > 0, i < pieces.length - 1)
      if (text !== '') current.push({ ...segment, text })
    })
  })
  close()
  return paragraphs
}

/** Paragraphs of a plain text, for a field that did not change or could not be diffed. */
export function plainParagraphs(text: string, kind: Segment['kind'] = 'equal'): DiffParagraph[] {
  return diffParagraphs(text === '' ? [] : [{ op: kind === 'insert' || kind === 'delete' ? kind : 'equal', text }])
}

function carveMoved(ops: readonly DiffOp[], moved: readonly string[]): Segment[] {
  const remaining = { insert: tally(moved), delete: tally(moved) }
  const out: Segment[] = []
  for (const op of ops) {
    if (op.op === 'equal') {
      out.push({ kind: 'equal', text: op.text })
      continue
    }
    const counts = remaining[op.op]
    let rest = op.text
    for (;;) {
      const hit = earliestSentence(rest, counts)
      if (!hit) break
      if (hit.at > 0) out.push({ kind: op.op, text: rest.slice(0, hit.at) })
      out.push({ kind: op.op === 'insert' ? 'moved' : 'moved-from', text: hit.sentence })
      counts.set(hit.sentence, (counts.get(hit.sentence) ?? 1) - 1)
      rest = rest.slice(hit.at + hit.sentence.length)
    }
    if (rest !== '') out.push({ kind: op.op, text: rest })
  }
  // Pair each new place with an old place of the same sentence, in order, to tell up from down.
  const from = out.filter((s) => s.kind === 'moved-from')
  for (const to of out.filter((s) => s.kind === 'moved')) {
    const origin = from.find((s) => s.text === to.text && s.direction === undefined)
    if (!origin) continue
    to.direction = out.indexOf(to) < out.indexOf(origin) ? 'up' : 'down'
    origin.direction = to.direction
  }
  return out
}

/** The first listed sentence (count > 0) found in `text` starting at a word boundary; the longest wins a tie. */
function earliestSentence(text: string, counts: Map<string, number>): { at: number; sentence: string } | null {
  let best: { at: number; sentence: string } | null = null
  for (const [sentence, count] of counts) {
    if (count <= 0 || sentence === '') continue
    let at = text.indexOf(sentence)
    while (at > 0 && !/\s/.test(text[at - 1] ?? '')) at = text.indexOf(sentence, at + 1)
    if (at === -1) continue
    if (!best || at < best.at || (at === best.at && sentence.length > best.sentence.length)) best = { at, sentence }
  }
  return best
}

function trimNewlines(text: string, start: boolean, end: boolean): string {
  let t = text
  if (start) t = t.replace(/^\n+/, '')
  if (end) t = t.replace(/\n+$/, '')
  return t
}

function tally(items: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const s of items) counts.set(s, (counts.get(s) ?? 0) + 1)
  return counts
}
