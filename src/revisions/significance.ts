// One number per revision for ranking and alert thresholds: what changed, weighted by what readers notice.

/** What the score is computed from; word counts are words inserted plus words deleted in that field. */
export interface SignificanceInput {
  titleChanged: boolean
  titleWordsChanged: number
  standfirstChanged: boolean
  standfirstWordsChanged: number
  bodyChanged: boolean
  bodyWordsChanged: number
  /** 0..1, see RevisionStats.bodyChangedShare. */
  bodyChangedShare: number
  correction: boolean
  bylineChanged: boolean
  urlChanged: boolean
}

/** x / (x + half): 0 at 0, ½ at `half`, approaching 1; increasing, so the score is monotone in words changed. */
function saturate(x: number, half: number): number {
  return x <= 0 ? 0 : x / (x + half)
}

/**
 * significance = min(1, H + S + B + C + A + U), where
 * - H (headline)   = 0.50 + 0.20 · sat(title words changed, 3)           if the title changed
 * - S (standfirst) = 0.20 + 0.10 · sat(standfirst words changed, 10)     if the standfirst changed
 * - B (body)       = 0.05 + 0.25 · sat(body words changed, 50) + 0.15 · bodyChangedShare   if the body changed
 * - C (correction) = 0.25 when a correction or clarification notice was added
 * - A (byline) = 0.05, U (URL) = 0.05
 * with sat(x, h) = x / (x + h). Any headline change (≥ 0.5) outranks any body-only change (< 0.45); a standfirst
 * tweak outranks a small body edit, a large body change outranks a standfirst tweak. Non-decreasing in every word
 * count and share, so more words changed never lowers the score.
 */
export function scoreSignificance(input: SignificanceInput): number {
  let score = 0
  if (input.titleChanged) score += 0.5 + 0.2 * saturate(input.titleWordsChanged, 3)
  if (input.standfirstChanged) score += 0.2 + 0.1 * saturate(input.standfirstWordsChanged, 10)
  if (input.bodyChanged) {
    score += 0.05 + 0.25 * saturate(input.bodyWordsChanged, 50) + 0.15 * Math.min(1, Math.max(0, input.bodyChangedShare))
  }
  if (input.correction) score += 0.25
  if (input.bylineChanged) score += 0.05
  if (input.urlChanged) score += 0.05
  return Math.min(1, Math.round(score * 1000) / 1000)
}
