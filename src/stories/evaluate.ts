// Tracking metrics (TDT): precision, recall, F1, miss and false-alarm rates, and the normalised detection cost.

/** TDT tracking cost parameters (Fiscus & Doddington, TDT evaluation plan): a miss costs ten false alarms. */
export const C_MISS = 1
export const C_FA = 0.1
export const P_TARGET = 0.02

/** Counts and rates over one story's decisions. */
export interface TrackingMetrics {
  total: number
  positives: number
  truePositives: number
  falsePositives: number
  falseNegatives: number
  trueNegatives: number
  precision: number
  recall: number
  f1: number
  pMiss: number
  pFalseAlarm: number
  /** Normalised detection cost: 0 is perfect, 1 is no better than always saying no. */
  cDet: number
}

/** Metrics for labelled decisions; rates with an empty denominator are 0 (precision with no predictions is 1). */
export function evaluate(predictions: readonly { label: boolean; predicted: boolean }[]): TrackingMetrics {
  let tp = 0
  let fp = 0
  let fn = 0
  let tn = 0
  for (const p of predictions) {
    if (p.label && p.predicted) tp++
    else if (p.label) fn++
    else if (p.predicted) fp++
    else tn++
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 1
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0
  const pMiss = tp + fn > 0 ? fn / (tp + fn) : 0
  const pFalseAlarm = fp + tn > 0 ? fp / (fp + tn) : 0
  const cost = C_MISS * pMiss * P_TARGET + C_FA * pFalseAlarm * (1 - P_TARGET)
  const cDet = cost / Math.min(C_MISS * P_TARGET, C_FA * (1 - P_TARGET))
  return {
    total: predictions.length,
    positives: tp + fn,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    trueNegatives: tn,
    precision,
    recall,
    f1,
    pMiss,
    pFalseAlarm,
    cDet,
  }
}
