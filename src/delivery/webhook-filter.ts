// Which endpoints want which alert (pure): type, story, feed and significance filters.
import type { Alert, AlertType } from '../model/alert'
import type { WebhookEndpoint } from './webhook-model'
import type { AlertKeyMeta } from './webhook-store'

type EndpointFilters = Pick<WebhookEndpoint, 'enabled' | 'createdAt' | 'types' | 'storyIds' | 'feedIds' | 'minSignificance'>

/**
 * True when `endpoint` should receive `alert`: enabled, registered before the alert, and every filter passes.
 * `storyIds` narrows follow-ups only; `minSignificance` compares a revision's significance or a follow-up's score.
 */
export function endpointWantsAlert(endpoint: EndpointFilters, alert: Alert): boolean {
  if (!endpoint.enabled || alert.createdAt < endpoint.createdAt) return false
  if (!typeAndStoryPass(endpoint, alert.type, alert.storyId ?? null)) return false
  if (endpoint.feedIds !== null && !endpoint.feedIds.includes(alert.feedId)) return false
  if (endpoint.minSignificance !== null) {
    const measure = alert.type === 'revision' ? alert.significance : alert.type === 'follow_up' ? alert.score : undefined
    if (measure !== undefined && measure < endpoint.minSignificance) return false
  }
  return true
}

/** The cheap half of the filter, from listing metadata alone: worth reading the alert for this endpoint? */
export function endpointMayWant(endpoint: EndpointFilters, meta: AlertKeyMeta | null): boolean {
  if (!endpoint.enabled) return false
  if (meta === null) return true
  return typeAndStoryPass(endpoint, meta.t, meta.s ?? null)
}

function typeAndStoryPass(endpoint: EndpointFilters, type: AlertType, storyId: string | null): boolean {
  if (endpoint.types !== null && !endpoint.types.includes(type)) return false
  if (endpoint.storyIds !== null && type === 'follow_up' && (storyId === null || !endpoint.storyIds.includes(storyId))) return false
  return true
}
