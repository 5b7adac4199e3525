import { z } from 'zod';

export const roles = ['owner', 'staff'] as const;
export type Role = (typeof roles)[number];

const Username = z
  .string({ error: (iss) => (iss.input === undefined ? 'Username is required' : 'Username must be text') })
  .trim()
  .min(2, 'Username must be at least 2 characters')
  .max(50, 'Username must be at most 50 characters')
  .regex(/^[\p{L}\p{N}._-]+$/u, 'Username may contain letters, digits, dots, dashes and underscores');
const DisplayName = z.string({ error: 'Display name is required' }).trim().min(1, 'Display name is required').max(100, 'Display name must be at most 100 characters');
// Seed 004: at least 10 characters. Not trimmed: spaces are part of a password.
export const Password = z
  .string({ error: 'Password is required' })
  .min(10, 'Password must be at least 10 characters')
  .max(200, 'Password must be at most 200 characters');
export const Pin = z.string({ error: 'PIN must be text' }).regex(/^\d{4,8}$/, 'PIN must be 4 to 8 digits');
const Id = z.string({ error: 'id is required' }).trim().min(1, 'id is required').max(100, 'id is too long');

export const Staff = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(roles),
  hasPin: z.boolean(),
  disabled: z.boolean(),
  createdAt: z.string(),
});
export type Staff = z.infer<typeof Staff>;

export const Session = z.object({ sessionToken: z.string(), staff: Staff });

export const SetupOwnerInput = z.strictObject({ username: Username, displayName: DisplayName, password: Password, pin: Pin.optional() });
// Login checks no rules on the password beyond it being text: rules would tell what is wrong.
export const LoginInput = z.strictObject({
  username: z.string({ error: 'Username is required' }).trim().min(1, 'Username is required').max(50),
  password: z.string({ error: 'Password is required' }).min(1, 'Password is required').max(200),
});
export const UnlockInput = z.strictObject({ pin: z.string({ error: 'PIN is required' }).min(1, 'PIN is required').max(8) });
export const AuthStatus = z.object({ ownerExists: z.boolean(), signedIn: z.boolean(), locked: z.boolean(), autoLockMinutes: z.number() });
export const Me = z.object({
  staff: Staff,
  locked: z.boolean(),
  autoLockMinutes: z.number(),
  /** An owner without a recovery code (a store made before them) is asked to make one in Settings. */
  hasRecoveryCode: z.boolean(),
});

/** The owner's recovery code, shown once: at setup, after it was used, or made anew in Settings. */
export const RecoveryCode = z.object({ recoveryCode: z.string() });
export const SetupOwnerOutput = Session.extend(RecoveryCode.shape);
// The code is checked as typed (normalised by the core): rules on it would tell what is wrong.
export const RecoverInput = z.strictObject({
  username: z.string({ error: 'Username is required' }).trim().min(1, 'Username is required').max(50),
  recoveryCode: z.string({ error: 'Recovery code is required' }).trim().min(1, 'Recovery code is required').max(100),
  newPassword: Password,
});
export const RecoverOutput = Session.extend(RecoveryCode.shape);
export const NewRecoveryCodeInput = z.strictObject({ password: z.string({ error: 'Password is required' }).min(1, 'Password is required').max(200) });

/** Who may take over a locked screen: active accounts with a PIN, by display name. */
export const LockTile = z.object({ id: z.string(), displayName: z.string() });
export const SwitchUserInput = z.strictObject({
  staffId: z.string({ error: 'staffId is required' }).trim().min(1, 'staffId is required').max(100),
  pin: z.string({ error: 'PIN is required' }).min(1, 'PIN is required').max(8),
});

export const StaffCreateInput = z.strictObject({
  username: Username,
  displayName: DisplayName,
  password: Password,
  role: z.enum(roles, { error: 'role must be owner or staff' }).default('staff'),
  pin: Pin.optional(),
});
export const StaffUpdateInput = z.strictObject({
  id: Id,
  displayName: DisplayName.optional(),
  role: z.enum(roles, { error: 'role must be owner or staff' }).optional(),
  pin: Pin.nullable().optional(),
});
export const StaffIdInput = z.strictObject({ id: Id });
export const StaffResetPasswordInput = z.strictObject({ id: Id, password: Password });

export const AutoLockInput = z.strictObject({
  minutes: z.number({ error: 'minutes must be a number' }).int('minutes must be a whole number').min(1, 'Auto-lock is 1 to 240 minutes').max(240, 'Auto-lock is 1 to 240 minutes'),
});

/** What the audit trail records changes of. */
// 'store': the database file itself (its audit guards put back at a start: audit/triggers.ts).
export const auditEntities = ['customer', 'prescription', 'attachment', 'staff', 'setting', 'licence', 'backup', 'store'] as const;
export const AuditEntity = z.enum(auditEntities, { error: `entity must be one of ${auditEntities.join(', ')}` });
export type AuditEntity = z.infer<typeof AuditEntity>;

/*
 * The audit filter has one normal form, parsed once and read by both the access rule
 * (audit/access.ts) and the query (audit/log.ts): they once disagreed about `customerId: ""` (the
 * rule saw a customer's history, the query no filter at all) and staff read the owner's trail.
 * So a filter value is either absent or meaningful: ids are trimmed and never blank, the entity is
 * one the trail knows, and times are instants in the trail's own form (UTC, milliseconds).
 */
const FilterId = (name: string) =>
  z
    .string({ error: `${name} must be text` })
    .trim()
    .min(1, `${name} must not be blank: leave it out instead`)
    .max(100, `${name} is too long`);

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isInstant = (v: string) => z.iso.datetime({ offset: true }).safeParse(v).success || z.iso.date().safeParse(v).success;
/** A date (a whole UTC day: from its start, or to its end) or an ISO date-time, as the trail writes `at`. */
const FilterTime = (name: string, dayEdge: 'start' | 'end') =>
  z
    .string({ error: `${name} must be text` })
    .trim()
    .refine(isInstant, `${name} must be a date (YYYY-MM-DD) or an ISO date-time`)
    .transform((v) => (DAY.test(v) ? `${v}T${dayEdge === 'start' ? '00:00:00.000' : '23:59:59.999'}Z` : new Date(v).toISOString()));

export const AuditListInput = z
  .strictObject({
    /** A customer's whole history: its own rows and those of its prescriptions and documents. */
    customerId: FilterId('customerId').optional(),
    entity: AuditEntity.optional(),
    entityId: FilterId('entityId').optional(),
    staffId: FilterId('staffId').optional(),
    from: FilterTime('from', 'start').optional(),
    to: FilterTime('to', 'end').optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: 'from must not be after to', path: ['to'] });
export const AuditEntry = z.object({
  id: z.number(),
  at: z.string(),
  staffId: z.string().nullable(),
  /** The sign-in name the trail recorded (part of what its hash chain seals). */
  staffName: z.string(),
  /** Who that is, as staff know them: the account's display name (kept when the account is disabled), else the recorded name. */
  staffDisplayName: z.string(),
  entity: z.string(),
  entityId: z.string(),
  action: z.string(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
