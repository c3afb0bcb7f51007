// Reads the cron expressions of the `[triggers]` table out of wrangler.toml text.

/**
 * Returns the `crons` array of the `[triggers]` table, in file order.
 *
 * A deliberately small TOML reader: it understands tables, comments, and a `crons` array of
 * basic or literal strings that may span lines. That is all wrangler.toml needs here, and it
 * keeps the dev script free of a TOML dependency. Throws when `crons` is present but malformed.
 */
export function parseWranglerCrons(toml: string): string[] {
  let table = ''
  let collecting: string | null = null
  for (const rawLine of toml.split(/\r?\n/)) {
    const line = stripComment(rawLine).trim()
    if (collecting !== null) {
      collecting += ` ${line}`
      if (line.includes(']')) return parseStringArray(collecting)
      continue
    }
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line)
    if (header && !line.startsWith('[[')) {
      table = header[1] ?? ''
      continue
    }
    if (line.startsWith('[[')) {
      table = line
      continue
    }
    if (table !== 'triggers') continue
    const assignment = /^crons\s*=\s*(.*)$/.exec(line)
    if (!assignment) continue
    const value = assignment[1] ?? ''
    if (!value.startsWith('[')) throw new Error(`wrangler-crons: crons must be an array, got ${value}`)
    if (value.includes(']')) return parseStringArray(value)
    collecting = value
  }
  if (collecting !== null) throw new Error('wrangler-crons: unterminated crons array')
  return []
}

/** Removes a `#` comment that is not inside a string. */
function stripComment(line: string): string {
  let quote: string | null = null
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (quote) {
      if (ch === '\\' && quote === '"') i++
      else if (ch === quote) quote = null
    } else if (ch === '"' || ch === "'") quote = ch
    else if (ch === '#') return line.slice(0, i)
  }
  return line
}

function parseStringArray(text: string): string[] {
  const inner = /^\[(.*)\]$/s.exec(text.trim())
  if (!inner) throw new Error(`wrangler-crons: not an array: ${text}`)
  const items: string[] = []
  const token = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')\s*(,|$)/gy
  const body = inner[1] ?? ''
  while (token.lastIndex < body.length) {
    const start = token.lastIndex
    const match = token.exec(body)
    if (!match) {
      if (body.slice(start).trim() === '') break
      throw new Error(`wrangler-crons: expected a string in crons at: ${body.slice(start)}`)
    }
    items.push(match[1] !== undefined ? JSON.parse(`"${match[1]}"`) as string : (match[2] ?? ''))
    if (match[3] === '') break
  }
  return items
}
