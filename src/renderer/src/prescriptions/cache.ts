import { currentOf } from '../../../shared/prescriptions/current';
import type { PrescriptionVersion } from '../../../shared/prescriptions/schema';

/*
 * The prescription list as the core would answer it after a save, from the version the save
 * returned: a save only adds the newest version (earlier versions' changes are against versions
 * before them, which do not move); which one is current follows the core's own rule (shared/prescriptions/current.ts).
 */

function currentVersionId(versions: readonly PrescriptionVersion[]): string | null {
  return currentOf(versions, (v) => ({ id: v.id, correctsId: v.correctsId, examDate: v.rx.examDate, version: v.version }))?.id ?? null;
}

/** The list (newest version first) with the saved version added and `current` set again. */
export function withSavedVersion(list: readonly PrescriptionVersion[], saved: PrescriptionVersion): PrescriptionVersion[] {
  const versions = [saved, ...list.filter((v) => v.id !== saved.id)].sort((a, b) => b.version - a.version);
  const currentId = currentVersionId(versions);
  return versions.map((v) => (v.current === (v.id === currentId) ? v : { ...v, current: v.id === currentId }));
}
