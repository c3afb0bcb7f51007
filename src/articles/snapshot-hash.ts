// The two fingerprints of a snapshot: any change at all (raw) and a change that survives normalisation (content).
import { sha256HexSync } from '../core/hash'
import { normaliseForRevision, stripRelativeTimestamps } from '../core/normalise-for-revision'

export interface SnapshotFields {
  title: string
  summary: string
  content: string
  author: string | null
  url: string
}

/** normaliseForCompare of a snapshot's summary and content, when the caller has already computed them. */
export interface ComparedTexts {
  summary: string
  content: string
}

/**
 * `rawHash` changes with any edit of the stored text, byline or URL; `contentHash` only when the normalised title,
 * summary or body change (see normaliseForRevision: relative timestamps do not count). Raw-only changes are kept as
 * `minor` versions that raise no alert. `compared` spares normalising summary and content a second time.
 */
export function snapshotHashes(fields: SnapshotFields, compared?: ComparedTexts): { rawHash: string; contentHash: string } {
  const summary = compared === undefined ? normaliseForRevision(fields.summary) : stripRelativeTimestamps(compared.summary)
  const content = compared === undefined ? normaliseForRevision(fields.content) : stripRelativeTimestamps(compared.content)
  return {
    rawHash: sha256HexSync([fields.title, fields.summary, fields.content, fields.author ?? '', fields.url].join('\u0000')),
    contentHash: sha256HexSync([normaliseForRevision(fields.title), summary, content].join('\u0000')),
  }
}
