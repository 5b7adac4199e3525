import { z } from 'zod';
import { Message } from '../messages';

/*
 * A prescription as staff enter it. The schema checks only its structure: values may come as numbers
 * or as the shorthand staff type (`-125`, `pl`, `=1.5`), and rules.ts reads and checks them, so one
 * typo gives a precise message on its own field instead of a type error.
 */
const Value = z.union([z.string().max(24, 'too long'), z.number()], { error: 'must be a number or text' }).nullable().optional();
const Text = (max: number) => z.string({ error: 'must be text' }).max(max, `must be at most ${max} characters`).nullable().optional();

export const EyeRxInput = z.strictObject({
  sph: Value,
  cyl: Value,
  axis: Value,
  add: Value,
  prism: Value,
  base: Value,
});
export const VisionRxInput = z.strictObject({ rightEye: EyeRxInput.optional(), leftEye: EyeRxInput.optional() });

export const RxInput = z.strictObject({
  kind: z.enum(['spectacles', 'contacts'], { error: 'kind must be "spectacles" or "contacts"' }),
  examDate: Value,
  prescriber: Text(200),
  expiresAt: Value,
  notes: Text(2000),
  /** Printed on the customer's card, unlike `notes` (the store's own). Kept here only: the cloud's opticData has no such field. */
  customerNote: Text(500),
  distanceVision: VisionRxInput,
  intermediateVision: VisionRxInput.optional(),
  nearVision: VisionRxInput.optional(),
  pd: z.strictObject({ right: Value, left: Value, binocular: Value, nearBinocular: Value }).optional(),
  contacts: z.strictObject({ baseCurve: Value, diameter: Value, brand: Text(100) }).optional(),
});
export type RxInput = z.input<typeof RxInput>;

export const prismBases = ['up', 'down', 'in', 'out'] as const;
export type PrismBase = (typeof prismBases)[number];

// ---- the canonical form (what is stored and shown) ----

export const EyeRx = z.object({
  sph: z.string(),
  cyl: z.string().optional(),
  axis: z.string().optional(),
  add: z.string().optional(),
  prism: z.string().optional(),
  base: z.enum(prismBases).optional(),
});
export const VisionRx = z.object({ rightEye: EyeRx, leftEye: EyeRx });
export const Rx = z.object({
  kind: z.enum(['spectacles', 'contacts']),
  examDate: z.string(),
  prescriber: z.string().optional(),
  expiresAt: z.string().optional(),
  notes: z.string().optional(),
  customerNote: z.string().optional(),
  distanceVision: VisionRx,
  intermediateVision: VisionRx.optional(),
  nearVision: VisionRx.optional(),
  pd: z.object({ right: z.string().optional(), left: z.string().optional(), binocular: z.string().optional(), nearBinocular: z.string().optional() }).optional(),
  contacts: z.object({ baseCurve: z.string().optional(), diameter: z.string().optional(), brand: z.string().optional() }).optional(),
});
export type Rx = z.infer<typeof Rx>;
export type EyeRx = z.infer<typeof EyeRx>;

export const warningCodes = ['anisometropia', 'addForAge', 'signChanged', 'eyesSwapped', 'expired'] as const;
/** A warning's kind is its code (`rx.warning.<code>` in the messages' table), with its parameters. */
export const RxWarning = z.object({ code: z.enum(warningCodes), path: z.string().optional(), params: Message.shape.params, message: z.string() });
export type RxWarning = z.infer<typeof RxWarning>;

export const RxCheck = z.object({
  valid: z.boolean(),
  /** The Rx in canonical strings, as far as it could be read (fields in error are left out). */
  normalized: Rx.partial({ distanceVision: true }).extend({ examDate: z.string().optional() }),
  /** What is wrong, by field path: a code and its parameters for the screen, English for the logs. */
  errors: z.record(z.string(), Message),
  warnings: z.array(RxWarning),
  derived: z.object({ sphericalEquivalent: z.object({ right: z.string().nullable(), left: z.string().nullable() }) }),
});
export type RxCheck = z.infer<typeof RxCheck>;


// ---- channels ----

const Id = z.string({ error: 'id is required' }).trim().min(1, 'id is required').max(100, 'id is too long');

export const RxCheckInput = z.strictObject({ rx: RxInput, customerId: Id.optional() });
export const PrescriptionCreateInput = z.strictObject({ customerId: Id, rx: RxInput });
export const PrescriptionCorrectInput = z.strictObject({ id: Id, rx: RxInput });
export const PrescriptionListInput = z.strictObject({ customerId: Id });

/**
 * Where a saved version contradicts itself by today's rules (a version an earlier build let through):
 * computed each time it is read, never stored, so a rule fixed later flags every old version too.
 */
export const RxProblem = Message.extend({ field: z.string() });
export type RxProblem = z.infer<typeof RxProblem>;

export const RxChange = z.object({ path: z.string(), from: z.string().nullable(), to: z.string().nullable() });
export const PrescriptionVersion = z.object({
  id: z.string(),
  customerId: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  createdBy: z.string(),
  /** Who saved it as people know them: the staff member's display name (the username when none is known, e.g. from the cloud). */
  createdByName: z.string(),
  /** The version this one corrects, if it is a correction. */
  correctsId: z.string().nullable(),
  /** The customer's current prescription: the latest exam among versions not corrected since. */
  current: z.boolean(),
  rx: Rx,
  /** What differs from the version before it (the corrected one, or the previous exam). */
  changes: z.array(RxChange),
  /** Empty unless the version contradicts itself (see RxProblem): shown as a warning, not to be used. */
  problems: z.array(RxProblem),
});
export type PrescriptionVersion = z.infer<typeof PrescriptionVersion>;
export const PrescriptionList = z.array(PrescriptionVersion);
