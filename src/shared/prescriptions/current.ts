/** What decides which prescription version is current. */
export interface VersionOrder {
  id: string;
  correctsId: string | null;
  examDate: string;
  version: number;
}

/**
 * The customer's current prescription: the latest exam among the versions no other version
 * corrects (same exam date: the later version). The core answers with it; the renderer applies the
 * same rule to the version a save returned instead of asking for the list again.
 */
export function currentOf<T>(versions: readonly T[], order: (v: T) => VersionOrder): T | null {
  const corrected = new Set(versions.map((v) => order(v).correctsId).filter(Boolean));
  let best: T | null = null;
  for (const v of versions) {
    const o = order(v);
    if (corrected.has(o.id)) continue;
    const b = best === null ? null : order(best);
    if (!b || o.examDate > b.examDate || (o.examDate === b.examDate && o.version > b.version)) best = v;
  }
  return best;
}
