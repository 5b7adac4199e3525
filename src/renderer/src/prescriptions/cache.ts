import type { PrescriptionVersion } from '../../../shared/prescriptions/schema';

/*
 * The prescription list as the core would answer it after a save, from the version the save
 * returned: a save only adds the newest version (earlier versions' changes are against versions
 * before them, which do not move); which one is current is computed again as the core does.
 */

/** The latest exam among versions no other version corrects (ties: the later version). */
export function currentVersionId(versions: readonly PrescriptionVersion[]): string | null {
  const corrected = new Set(versions.map((v) => v.correctsId).filter(Boolean));
  let best: PrescriptionVersion | null = null;
  for (const v of versions) {
    if (corrected.has(v.id)) continue;
    if (!best || v.rx.examDate > best.rx.examDate || (v.rx.examDate === best.rx.examDate && v.version > best.version)) best = v;
  }
  return best?.id ?? null;
}

/** The list (newest version first) with the saved version added and `current` set again. */
export function withSavedVersion(list: readonly PrescriptionVersion[], saved: PrescriptionVersion): PrescriptionVersion[] {
  const versions = [saved, ...list.filter((v) => v.id !== saved.id)].sort((a, b) => b.version - a.version);
  const currentId = currentVersionId(versions);
  return versions.map((v) => (v.current === (v.id === currentId) ? v : { ...v, current: v.id === currentId }));
}
