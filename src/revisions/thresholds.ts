// Per-feed alert thresholds applied to a classified revision (pure).
import type { RevisionAnalysis } from './classify-revision'

/** A feed's alert policy for revisions. */
export interface RevisionAlertPolicy {
  /** Words added plus removed (title, summary, body) at or above which a revision alerts. */
  minChangeWords: number
  /** Alert only when the headline changed. */
  headlineOnly: boolean
}

/**
 * Whether a revision should raise an alert: never for a minor (or no) change; with headlineOnly only when the
 * title changed; otherwise when the title or summary changed, or enough words changed.
 */
export function shouldAlert(analysis: RevisionAnalysis, policy: RevisionAlertPolicy): boolean {
  if (analysis.minor || analysis.changedFields.length === 0) return false
  const titleChanged = analysis.changedFields.includes('title')
  if (policy.headlineOnly) return titleChanged
  if (titleChanged || analysis.changedFields.includes('summary')) return true
  return analysis.stats.wordsAdded + analysis.stats.wordsRemoved >= policy.minChangeWords
}
