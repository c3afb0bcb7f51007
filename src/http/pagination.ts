// Opaque signed cursors for list routes: a forged or foreign cursor is a 400, never a KV read.
import { z } from 'zod'
import { signCursor, verifyCursor } from '../core/cursor'
import { ApiError } from './errors'

/** Largest page any list route returns. */
export const MAX_PAGE_SIZE = 100
export const DEFAULT_PAGE_SIZE = 20

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  cursor: z.string().max(2000).optional(),
}

/** Unwraps a cursor made for `route`; throws 400 when it is forged, corrupted or from another listing. */
export async function readCursor(cursor: string | undefined, route: string, secret: string): Promise<string | null> {
  if (cursor === undefined || cursor === '') return null
  const payload = await verifyCursor(cursor, secret)
  if (!payload || payload.r !== route || typeof payload.k !== 'string') {
    throw new ApiError(400, 'invalid_cursor', 'cursor is not valid for this listing (use nextCursor from the previous page)')
  }
  return payload.k
}

export async function makeCursor(kvCursor: string | null, route: string, secret: string): Promise<string | null> {
  return kvCursor === null ? null : signCursor({ r: route, k: kvCursor }, secret)
}
