// The plain-text document of one version (?format=text) and unified diffs between two of them (?format=patch).
import { createTwoFilesPatch, formatPatch, FILE_HEADERS_ONLY, type StructuredPatch } from 'diff'
import { normaliseForRevision } from '../core/normalise-for-revision'
import { splitParagraphs } from './sentences'

/** Line insertions plus deletions beyond which the patch is one hunk replacing the whole document. */
export const PATCH_MAX_EDIT_LENGTH = 500
// Lines of context per hunk: GNU diff's default for -u.
const PATCH_CONTEXT = 3

/**
 * The normalised text of a version: the headline on one line, a blank line, then the standfirst (when there is one
 * and the body does not already open with it) and the body paragraphs, separated by blank lines, ending with a
 * newline. Texts go through normaliseForRevision, so this is exactly what revisions are compared on.
 */
export function revisionText(fields: { title: string; content: string; summary: string }): string {
  const title = normaliseForRevision(fields.title).replace(/\n+/g, ' ')
  const body = splitParagraphs(normaliseForRevision(fields.content))
  const standfirst = splitParagraphs(normaliseForRevision(fields.summary))
  const paragraphs = opensWith(body, standfirst) ? body : [...standfirst, ...body]
  return paragraphs.length === 0 ? `${title}\n` : `${title}\n\n${paragraphs.join('\n\n')}\n`
}

/**
 * A unified diff from `fromText` to `toText` (jsdiff createTwoFilesPatch, 3 lines of context, "---"/"+++" headers
 * only) that GNU `patch` and jsdiff `applyPatch` apply to `fromText` to give `toText` byte for byte, including a
 * missing final newline ("\ No newline at end of file"). Equal texts give "" (as `diff` prints nothing). Past
 * PATCH_MAX_EDIT_LENGTH changed lines the patch is one hunk that replaces every line, so the cost stays bounded.
 */
export function unifiedPatch(fromText: string, toText: string, fromLabel: string, toLabel: string): string {
  if (fromText === toText) return ''
  // Lines in one text and not the other each cost an edit: a cheap lower bound that skips Myers on a rewrite.
  if (lineMultisetDifference(fromText, toText) > PATCH_MAX_EDIT_LENGTH) return replaceAllPatch(fromText, toText, fromLabel, toLabel)
  const options = { context: PATCH_CONTEXT, maxEditLength: PATCH_MAX_EDIT_LENGTH, headerOptions: FILE_HEADERS_ONLY }
  return createTwoFilesPatch(fromLabel, toLabel, fromText, toText, undefined, undefined, options) ?? replaceAllPatch(fromText, toText, fromLabel, toLabel)
}

function replaceAllPatch(fromText: string, toText: string, fromLabel: string, toLabel: string): string {
  const fromLines = patchLines(fromText, '-')
  const toLines = patchLines(toText, '+')
  const hunk = {
    oldStart: 1,
    oldLines: fromLines.filter((l) => l.startsWith('-')).length,
    newStart: 1,
    newLines: toLines.filter((l) => l.startsWith('+')).length,
    lines: [...fromLines, ...toLines],
  }
  const patch: StructuredPatch = { oldFileName: fromLabel, newFileName: toLabel, oldHeader: undefined, newHeader: undefined, hunks: [hunk] }
  return formatPatch(patch, FILE_HEADERS_ONLY)
}

function patchLines(text: string, prefix: '-' | '+'): string[] {
  if (text === '') return []
  const lines = text.split('\n')
  const lastLine = lines.pop() ?? ''
  const out = lines.map((l) => prefix + l)
  // A last line without its newline is marked, or patch would add one (POSIX diff format).
  if (lastLine !== '') out.push(prefix + lastLine, '\\ No newline at end of file')
  return out
}

function opensWith(body: string[], standfirst: string[]): boolean {
  if (standfirst.length === 0) return true
  const first = body[0]
  if (first === undefined) return false
  const lead = standfirst.join(' ')
  if (first === lead) return true
  // Feeds often give the body's opening, truncated, as the standfirst: "The inquiry opened today with..."
  const stem = lead.endsWith('...') ? lead.slice(0, -3).trimEnd() : ''
  return stem.length >= 20 && first.startsWith(stem)
}

function lineMultisetDifference(a: string, b: string): number {
  const counts = new Map<string, number>()
  for (const line of a.split('\n')) counts.set(line, (counts.get(line) ?? 0) + 1)
  let onlyB = 0
  for (const line of b.split('\n')) {
    const n = counts.get(line) ?? 0
    if (n > 0) counts.set(line, n - 1)
    else onlyB++
  }
  let onlyA = 0
  for (const n of counts.values()) onlyA += n
  return onlyA + onlyB
}
