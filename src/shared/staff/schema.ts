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
export const Me = z.object({ staff: Staff, locked: z.boolean(), autoLockMinutes: z.number() });

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

export const AuditListInput = z.strictObject({
  /** A customer's whole history: its own rows and those of its prescriptions and documents. */
  customerId: z.string().max(100).optional(),
  entity: z.string().max(50).optional(),
  entityId: z.string().max(100).optional(),
  staffId: z.string().max(100).optional(),
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export const AuditEntry = z.object({
  id: z.number(),
  at: z.string(),
  staffId: z.string().nullable(),
  staffName: z.string(),
  entity: z.string(),
  entityId: z.string(),
  action: z.string(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
