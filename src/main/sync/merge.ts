import { type FieldPath, type Fields, fieldPaths } from './document';

export interface FieldConflict {
  field: FieldPath;
  mine: string | null;
  theirs: string | null;
  /** The side the merge took; the other one is what the conflict record keeps. */
  kept: 'mine' | 'theirs';
}

export interface Merge {
  merged: Fields;
  conflicts: FieldConflict[];
}

/**
 * The merge base: the shadow, except where the cloud holds exactly what this PC last sent and never
 * heard back about — that value is ours, so it is the base (not a change "there" to fight with).
 * A field with no known base is missing from the result.
 */
export function baseOf(shadow: Partial<Fields> | null, sent: Fields | null, theirs: Fields): Partial<Fields> | null {
  if (!sent) return shadow;
  const base: Partial<Fields> = { ...(shadow ?? {}) };
  for (const f of fieldPaths) if (theirs[f] === sent[f]) base[f] = theirs[f];
  return base;
}

/**
 * Three-way merge per field against the copy both sides last agreed on (the shadow): changed here
 * only → ours; there only → theirs; both, to different values → the later edit wins and the loser
 * is returned as a conflict. Without a shadow (two PCs created the same person) every difference is
 * a change on both sides (likewise a field missing from `base`). `mineAt` is when the pending local
 * change was made (null: there is none, so nothing here can win over the cloud); `theirsAt` is the cloud's updatedAt. A tie goes to the
 * cloud, so every PC settles the same way.
 */
export function mergeFields(base: Partial<Fields> | null, mine: Fields, theirs: Fields, mineAt: string | null, theirsAt: string): Merge {
  const merged = {} as Fields;
  const conflicts: FieldConflict[] = [];
  for (const f of fieldPaths) {
    const m = mine[f];
    const t = theirs[f];
    const known = base !== null && f in base;
    if (m === t || mineAt === null) merged[f] = t;
    else if (known && m === base[f]) merged[f] = t;
    else if (known && t === base[f]) merged[f] = m;
    else {
      const kept = mineAt > theirsAt ? 'mine' : 'theirs';
      merged[f] = kept === 'mine' ? m : t;
      conflicts.push({ field: f, mine: m, theirs: t, kept });
    }
  }
  return { merged, conflicts };
}
