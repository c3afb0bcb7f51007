// The two fingerprints of a snapshot: any change at all (raw) and a change that survives normalisation (content).
import { sha256Hex } from '../core/hash'
import { normaliseForRevision } from '../core/normalise-for-revision'

export interface SnapshotFields {
  title: string
  summary: string
  content: string
  author: string | null
  url: string
}

/**
 * `rawHash` changes with any edit of the stored text, byline or URL; `contentHash` only when the normalised title,
 * summary or body change (see normaliseForRevision: relative timestamps do not count). Raw-only changes are kept as
 * `minor` versions that raise no alert.
 */
export async function snapshotHashes(fields: SnapshotFields): Promise<{ rawHash: string; contentHash: string }> {
  const [rawHash, contentHash] = await Promise.all([
    sha256Hex([fields.title, fields.summary, fields.content, fields.author ?? '', fields.url].join('\u0000')),
    sha256Hex([fields.title, fields.summary, fields.content].map((text) => normaliseForRevision(text)).join('\u0000')),
  ])
  return { rawHash, contentHash }
}
