import { z } from 'zod';
import { Message } from '../messages';
import { serverUrl } from '../server-url';
import { CompletableField } from '../customers/schema';

/** The store's cloud, as the owner sets it up; the password is kept encrypted, never shown again. */
export const SyncConfigureInput = z.strictObject({
  baseUrl: serverUrl('The cloud address'),
  storeId: z.string({ error: 'The store id is required' }).trim().min(1, 'The store id is required').max(200, 'The store id is too long'),
  email: z.string({ error: 'The email is required' }).trim().email('The email is not a valid address').max(254),
  password: z.string({ error: 'The password is required' }).min(1, 'The password is required').max(500, 'The password is too long'),
  /** The client-side limit under the cloud's rate limit (seed 002: 100/min); 0 turns it off. */
  requestsPerMinute: z.number().int().min(0).max(100_000).optional(),
});

/**
 * rateLimited: the cloud is there but answered 429; sync goes on by itself at nextAttemptAt.
 * disabled: not set up. off: set up, and turned off by the owner (nothing sent or asked; changes queue).
 */
export const SyncState = z.enum(['idle', 'syncing', 'rateLimited', 'offline', 'error', 'disabled', 'off']);

/** The owner turns sync off (a metered line, a store closing its cloud account…) and on again. */
export const SyncSetEnabledInput = z.strictObject({ enabled: z.boolean({ error: 'enabled must be true or false' }) });

export const SyncStatus = z.object({
  state: SyncState,
  /** Local changes not yet in the cloud (parked ones excluded). */
  pending: z.number().int(),
  parked: z.number().int(),
  conflicts: z.number().int(),
  /** Customers held back until staff give what the cloud requires (walk-ins saved incomplete). */
  waitingForDetails: z.number().int(),
  lastSyncAt: z.string().nullable(),
  lastError: z.string().nullable(),
  /** The same, as a code and parameters for the screen to say in the staff's language. */
  lastProblem: Message.nullable(),
  nextAttemptAt: z.string().nullable(),
  /**
   * A new PC's first sync (issue 14): customers whose detail is here out of those the cloud listed,
   * and the time left at the pace of the last minute (null: not known yet). null once none is missing.
   */
  firstSync: z.object({ complete: z.number().int(), total: z.number().int(), secondsLeft: z.number().nullable() }).nullable(),
  config: z.object({ baseUrl: z.string(), storeId: z.string(), email: z.string(), requestsPerMinute: z.number() }).nullable(),
});

export const SyncConflict = z.object({
  id: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  /** e.g. customerData.phoneNumber, address.city, opticData; '*' when an edit met a delete. */
  field: z.string(),
  kind: z.enum(['field', 'deleted']),
  mine: z.unknown(),
  theirs: z.unknown(),
  /** Which side the merge applied; the other is what this record keeps. */
  kept: z.enum(['mine', 'theirs']),
  detectedAt: z.string(),
});

export const ParkedChange = z.object({
  id: z.number().int(),
  entity: z.enum(['customer', 'attachment']),
  entityId: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  op: z.enum(['create', 'update', 'delete']),
  /** The cloud's own message (a 400's field errors, joined). */
  error: z.string(),
  parkedAt: z.string(),
});

/** A cloud customer the local rules refused: not copied here until corrected in the cloud. */
export const RefusedCustomer = z.object({
  cloudId: z.string(),
  customerName: z.string(),
  /** The first field refused (e.g. opticData.distanceVision.rightEye.sph); null: the customer as a whole. */
  field: z.string().nullable(),
  /** The cloud's value in that field, as text (null: none, or the customer as a whole). */
  value: z.string().nullable(),
  /** Which rule it breaks, as the local rules say it (e.g. the sphere's steps). */
  reason: z.string(),
  cloudUpdatedAt: z.string(),
  detectedAt: z.string(),
});

export const SyncConflictsInput = z.strictObject({ customerId: z.string().trim().min(1).optional() }).prefault({});
/** A customer sync holds back: "waiting for details before they can be sent". */
export const WaitingCustomer = z.object({ customerId: z.string(), customerName: z.string(), missing: z.array(CompletableField) });
export type WaitingCustomer = z.infer<typeof WaitingCustomer>;

export const SyncConflictsOutput = z.object({
  conflicts: z.array(SyncConflict),
  parked: z.array(ParkedChange),
  refused: z.array(RefusedCustomer),
  waitingForDetails: z.array(WaitingCustomer),
});

export const SyncResolveInput = z.strictObject({
  id: z.string({ error: 'The conflict id is required' }).trim().min(1, 'The conflict id is required'),
  keep: z.enum(['mine', 'theirs'], { error: 'Choose "mine" or "theirs"' }),
});

export const SyncRetryParkedInput = z.strictObject({ id: z.number().int().positive().optional() }).prefault({});

export type SyncStatus = z.infer<typeof SyncStatus>;
export type SyncConflict = z.infer<typeof SyncConflict>;
export type ParkedChange = z.infer<typeof ParkedChange>;
export type RefusedCustomer = z.infer<typeof RefusedCustomer>;
