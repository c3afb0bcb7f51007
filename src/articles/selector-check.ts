// Checks a per-feed CSS selector against what HTMLRewriter supports, so a bad one is a 400, not a broken tick.

/** null when HTMLRewriter accepts the selector, else its parser's message. */
export function selectorProblem(selector: string): string | null {
  try {
    new HTMLRewriter().on(selector, {})
    return null
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
}
