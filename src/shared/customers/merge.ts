import { z } from 'zod';
import { CustomerDetail, CustomerId, DuplicateReason, LocalData } from './schema';

/*
 * Possible duplicates, merging two customers and undoing it (issue 13, item 3): the channels'
 * shapes, read by the core and the "Possible duplicates" screen alike.
 */

const Page = z.number({ error: 'page must be a number' }).int('page must be a whole number').min(1, 'page starts at 1');

export const DuplicatePairsInput = z
  .strictObject({
    page: Page.default(1),
    limit: z.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1, 'limit must be 1 to 100').max(100, 'limit must be 1 to 100').default(20),
  })
  .prefault({});

/** One side of a pair: enough to tell the two apart, and what a merge would move. */
export const PairCustomer = LocalData.pick({ firstName: true, lastName: true, email: true, phoneNumber: true, dateOfBirth: true, sex: true }).extend({
  id: z.string(),
  updatedAt: z.string(),
  prescriptions: z.number(),
  documents: z.number(),
});
export type PairCustomer = z.infer<typeof PairCustomer>;

export const DuplicatePair = z.object({
  a: PairCustomer,
  b: PairCustomer,
  /** Why they may be one person: `nameAndBirth` here is the same birthday with a similar name. */
  reasons: z.array(DuplicateReason),
  /** How alike the names are (any order, accents and case aside): `same`, `similar` (a slip or two), or not. */
  names: z.enum(['same', 'similar']).nullable(),
  /** Higher is likelier; pairs come strongest first. */
  strength: z.number(),
});
export type DuplicatePair = z.infer<typeof DuplicatePair>;

export const DuplicatePairsOutput = z.object({
  pairs: z.array(DuplicatePair),
  pagination: z.object({ page: z.number(), limit: z.number(), total: z.number(), totalPages: z.number() }),
});

/** "Not the same person": the pair is never listed again. */
export const DismissPairInput = z.strictObject({ aId: CustomerId, bId: CustomerId });
export const DismissPairOutput = z.object({ dismissed: z.boolean() });

/** The fields a merge chooses between, side by side (the address as one). */
export const mergeFields = ['firstName', 'lastName', 'email', 'phoneNumber', 'dateOfBirth', 'sex', 'address'] as const;
export const MergeField = z.enum(mergeFields);
export type MergeField = z.infer<typeof MergeField>;
/** Which side's value a field keeps: the kept customer's (`keep`) or the merged-away one's (`merge`). */
export const MergeSide = z.enum(['keep', 'merge'], { error: 'must be keep or merge' });
export type MergeSide = z.infer<typeof MergeSide>;

export const CustomerMergeInput = z.strictObject({
  keepId: CustomerId,
  mergeId: CustomerId,
  /** Per field; a field left out keeps the kept customer's value, filled from the other when empty. */
  fields: z.partialRecord(MergeField, MergeSide).optional(),
});
export type CustomerMergeInput = z.output<typeof CustomerMergeInput>;

export const CustomerMergeOutput = z.object({
  mergeRecordId: z.string(),
  customer: CustomerDetail,
  moved: z.object({ prescriptions: z.number(), documents: z.number() }),
});

export const CustomerUnmergeInput = z.strictObject({ mergeRecordId: z.string().trim().min(1, 'mergeRecordId is required').max(100) });
export const CustomerUnmergeOutput = z.object({ mergeRecordId: z.string(), keptId: z.string(), restored: CustomerDetail });

export const CustomerMergesInput = z
  .strictObject({ limit: z.number().int().min(1).max(200).default(50) })
  .prefault({});
export const MergeRecord = z.object({
  id: z.string(),
  keepId: z.string(),
  mergeId: z.string(),
  keptName: z.string(),
  mergedName: z.string(),
  mergedAt: z.string(),
  mergedBy: z.string(),
  prescriptions: z.number(),
  documents: z.number(),
  unmergedAt: z.string().nullable(),
  /** Whether an undo is still possible (not undone, neither customer erased for good, no later merge to undo first). */
  canUndo: z.boolean(),
  /** The later merge that took the kept customer away, to undo before this one (else null). */
  undoFirst: z.string().nullable(),
});
export type MergeRecord = z.infer<typeof MergeRecord>;
export const CustomerMergesOutput = z.object({ merges: z.array(MergeRecord) });
