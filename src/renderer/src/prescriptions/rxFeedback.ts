import type { Message } from '../../../shared/messages';
import type { RxCheck, RxWarning } from '../../../shared/prescriptions/schema';
import { contactKeys, pdKeys, rxEyes, rxMeasures, rxVisions, type RxDraft } from './draft';

/*
 * Where the check's errors and warnings go on the editor: under the field they concern, above the
 * grid when no field has that path. Pure, so the editor only renders what this decides.
 */

/** A value inside an object by dotted path (`distanceVision.rightEye.sph`). */
export function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const visionPaths = new Set<string>(rxVisions);

/** Every path the editor has a field for; errors and warnings on other paths go above the grid. */
export function placedPaths(kind: RxDraft['kind']): Set<string> {
  const paths = new Set<string>(['kind', 'examDate', 'expiresAt', 'prescriber', 'notes', ...pdKeys.map((k) => `pd.${k}`)]);
  for (const v of rxVisions) {
    for (const e of rxEyes) {
      for (const m of rxMeasures) if (m !== 'add' || v === 'distanceVision') paths.add(`${v}.${e}.${m}`);
    }
  }
  if (kind === 'contacts') for (const k of contactKeys) paths.add(`contacts.${k}`);
  return paths;
}

export type Placement = {
  /** Warnings by the field (or the whole row, `distanceVision`) they concern. */
  warningsByPath: Map<string, RxWarning[]>;
  /** Warnings no field holds: shown above the grid. */
  topWarnings: RxWarning[];
  /** The error a field shows now, if any. */
  errorAt: (path: string) => Message | undefined;
  /** Errors no field holds: shown by the Save button, with the path in words. */
  unplacedErrors: [path: string, message: Message][];
};

export type PlacementState = {
  /** Whether staff have been through the field (react-hook-form's touched map holds true there). */
  touched: (path: string) => boolean;
  /** Whether staff tried to save: every error shows then. */
  submitted: boolean;
  /** The core's field errors from a refused save, while the grid still holds what was refused. */
  serverErrors: Record<string, Message>;
};

/**
 * An error from the check is shown once staff have been through the field (or tried to save): a
 * field they have not reached yet does not shout "required". The core's answer to a save wins.
 */
export function placeFeedback(result: RxCheck, kind: RxDraft['kind'], state: PlacementState): Placement {
  const placed = placedPaths(kind);
  const warningsByPath = new Map<string, RxWarning[]>();
  const topWarnings: RxWarning[] = [];
  for (const w of result.warnings) {
    if (w.path && (placed.has(w.path) || visionPaths.has(w.path))) warningsByPath.set(w.path, [...(warningsByPath.get(w.path) ?? []), w]);
    else topWarnings.push(w);
  }
  const { touched, submitted, serverErrors } = state;
  const errorAt = (path: string): Message | undefined => {
    if (serverErrors[path]) return serverErrors[path];
    const message = result.errors[path];
    return message && (submitted || touched(path)) ? message : undefined;
  };
  const unplacedErrors = Object.entries({ ...(submitted ? result.errors : {}), ...serverErrors }).filter(([path]) => !placed.has(path));
  return { warningsByPath, topWarnings, errorAt, unplacedErrors };
}
