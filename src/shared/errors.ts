import { z } from 'zod';
import { Message, messageFromIssue } from './messages';

/**
 * Every error that crosses a transport (Electron IPC, the browser host's HTTP, direct calls in tests)
 * has this one shape. Electron IPC keeps only an Error's message, so errors travel as data.
 */
export const ErrorShape = z.object({
  code: z.string(),
  message: z.string(),
  status: z.number().int(),
  /** By field path, in English: for the logs, and for a renderer older than fieldMessages. */
  fieldErrors: z.record(z.string(), z.array(z.string())).optional(),
  /** The same, as codes and parameters, for the screen to say in the staff's language. */
  fieldMessages: z.record(z.string(), z.array(Message)).optional(),
  /** Machine-readable extras, e.g. `retryAfterSeconds` with auth.rateLimited. */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorShape = z.infer<typeof ErrorShape>;

export type FieldErrors = NonNullable<ErrorShape['fieldErrors']>;
export type FieldMessages = NonNullable<ErrorShape['fieldMessages']>;

/** Codes and the HTTP-style status each one carries (seed 001's 400/403/404/409). */
export const errorStatus = {
  validation: 400,
  'channel.unknown': 404,
  'ipc.forbiddenSender': 403,
  'host.unauthorized': 401,
  'host.bodyTooLarge': 413,
  'host.unknownHost': 421,
  'host.methodNotAllowed': 405,
  'host.notFound': 404,
  'app.closing': 503,
  // A restore holds every call off for a few seconds; details.retryAfterMs says when to try again.
  'store.restoring': 503,
  'auth.required': 401,
  'auth.invalidCredentials': 401,
  'auth.forbidden': 403,
  'auth.locked': 423,
  'auth.rateLimited': 429,
  // The argon2 queue is full (a burst of sign-ins): refused at once, with retryAfterSeconds.
  'auth.busy': 503,
  'auth.noPin': 400,
  'staff.notFound': 404,
  'staff.usernameTaken': 409,
  'customer.notFound': 404,
  'customer.notDeleted': 409,
  'customer.emailTaken': 409,
  // Merging two customers and undoing it (issue 13, item 3).
  'merge.sameCustomer': 400,
  'merge.notFound': 404,
  'merge.alreadyUndone': 409,
  // A customer of the merge was erased for good (a purge) since: there is nothing to bring back.
  'merge.purged': 409,
  // The merged-away customer's email belongs to someone else now: details.customerId names them.
  'merge.emailTaken': 409,
  // An undo out of order: the kept customer was merged away since; details.mergeRecordId names the merge to undo first.
  'merge.undoLaterFirst': 409,
  // A new PC's first sync has only the cloud's list of this customer: fields it lacks wait for the detail.
  'customer.detailsArriving': 409,
  'prescription.notFound': 404,
  'prescription.superseded': 409,
  /** A correction that changes no value of the version it corrects. */
  'prescription.unchanged': 400,
  'attachment.notFound': 404,
  'attachment.badType': 400,
  'attachment.tooLarge': 413,
  'storeProfile.logoBadType': 400,
  'storeProfile.logoTooLarge': 413,
  'db.newerSchema': 500,
  // A store's two old records of its migrations (before 0007) tell a story no app wrote: left untouched.
  'db.versionMismatch': 500,
  // user_version below 0, or a kysely_migration table of another shape: no version to count from.
  'db.versionInvalid': 500,
  // Tables but no version record (rebuilt by the sqlite3 shell): refused rather than guessed.
  'db.versionMissing': 500,
  // The tables are not those of the version the record says (changed outside the app): not migrated.
  'db.schemaMismatch': 500,
  'db.corrupt': 500,
  // Another OptiCounter (the app or a browser host) has the data directory open (data-dir-lock.ts).
  'dataDir.inUse': 409,
  // The lock file cannot be opened (a folder in its place, no permission).
  'dataDir.lockUnusable': 500,
  // The audit table was dropped outside the app: no change can be recorded, so none is saved.
  'audit.trailMissing': 500,
  'backup.notFound': 404,
  'backup.damaged': 409,
  'backup.failed': 500,
  // Copying a backup out (a USB stick): the folder picked is missing or read-only, a copy is already there, or it came out different.
  'backup.folderNotFound': 400,
  'backup.folderNotWritable': 400,
  'backup.copyExists': 409,
  'backup.copyFailed': 500,
  // 403, not 402: the caller is known and the request well-formed; this install is not allowed to
  // change data until it is licensed (402 Payment Required is reserved/unsupported by many clients).
  'licence.required': 403,
  'licence.keyLength': 400,
  'licence.keySymbol': 400,
  'licence.keyCheck': 400,
  'licence.invalid': 400,
  'licence.unknownKey': 404,
  'licence.revoked': 403,
  'licence.activationLimit': 409,
  'licence.none': 409,
  'licence.rateLimited': 429,
  'licence.server': 502,
  'licence.offline': 503,
  'licence.insecureServer': 400,
  // The OS install id (licence/machine.ts) could not be read: no licence can be tied to this PC.
  'licence.machineUnreadable': 500,
  // --trust-licence-key given to an installed build (licence/keys.ts).
  'licence.keyRefused': 403,
  'update.notReady': 409,
  'sync.invalidCredentials': 400,
  'sync.notConfigured': 409,
  'sync.secretUnreadable': 409,
  'sync.noKeychain': 409,
  'sync.conflictNotFound': 404,
  'sync.cannotRestore': 409,
  // The owner turned sync off: changes wait here until it is turned on again.
  'sync.off': 409,
  // Importing a previous system's file (issue 13 item 1).
  'import.tooLarge': 413,
  'import.empty': 400,
  'import.headerOnly': 400,
  'import.noSheet': 400,
  'import.unreadable': 400,
  'import.batchNotFound': 404,
  'import.runNotFound': 404,
  'import.notUndoable': 409,
  // A later batch merged into this one's customers: undone first (import/batch-store.ts laterMerger).
  'import.undoLaterFirst': 409,
  'import.busy': 409,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof errorStatus;

export class AppError extends Error {
  // A string, not ErrorCode: a renderer may receive codes from a newer core.
  readonly code: string;
  readonly status: number;
  readonly fieldErrors?: FieldErrors;
  readonly fieldMessages?: FieldMessages;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, fieldErrors?: FieldErrors, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = errorStatus[code];
    if (fieldErrors) this.fieldErrors = fieldErrors;
    if (details) this.details = details;
  }

  toShape(): ErrorShape {
    return {
      code: this.code,
      message: this.message,
      status: this.status,
      ...(this.fieldErrors ? { fieldErrors: this.fieldErrors } : {}),
      ...(this.fieldMessages ? { fieldMessages: this.fieldMessages } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }

  /** Rebuilds an error that crossed a transport, keeping its code and status as sent. */
  static fromShape(shape: ErrorShape): AppError {
    const err = new AppError('internal', shape.message, shape.fieldErrors, shape.details);
    Object.assign(err, { code: shape.code, status: shape.status, ...(shape.fieldMessages ? { fieldMessages: shape.fieldMessages } : {}) });
    return err;
  }

  /** A validation error for a single field, e.g. `customerData.email`. */
  static field(path: string, message: Message): AppError {
    return AppError.fields({ [path]: [message] });
  }

  /** A validation error on fields, each message in English (fieldErrors) and as a code (fieldMessages). */
  static fields(messages: FieldMessages, summary?: string): AppError {
    const fieldErrors = Object.fromEntries(Object.entries(messages).map(([path, list]) => [path, list.map((m) => m.message)]));
    const [first] = Object.entries(fieldErrors);
    const err = new AppError('validation', summary ?? (first ? `${first[0]}: ${first[1][0]}` : 'Invalid input'), fieldErrors);
    return Object.assign(err, { fieldMessages: messages });
  }
}

/** Turns zod issues into `{ 'customerData.email': ['…'] }`; an issue on the root is keyed `''`. */
export function fieldErrorsFromIssues(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  // A Map, not `{}`: a field path such as `constructor` or `__proto__` (hostile input) must not
  // reach Object.prototype; fromEntries makes them plain own keys.
  const out = new Map<string, string[]>();
  for (const issue of issues) {
    const key = issue.path.map(String).join('.');
    out.set(key, [...(out.get(key) ?? []), issue.message]);
  }
  return Object.fromEntries(out);
}

/** The same issues as codes and parameters (messages.ts), keyed the same way. */
export function fieldMessagesFromIssues(issues: readonly z.core.$ZodIssue[]): FieldMessages {
  const out = new Map<string, Message[]>();
  for (const issue of issues) {
    const key = issue.path.map(String).join('.');
    out.set(key, [...(out.get(key) ?? []), messageFromIssue(issue)]);
  }
  return Object.fromEntries(out);
}

export function validationError(error: z.ZodError): AppError {
  const fieldErrors = fieldErrorsFromIssues(error.issues);
  const first = error.issues[0];
  const where = first && first.path.length > 0 ? `${first.path.map(String).join('.')}: ` : '';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  const err = new AppError('validation', `${where}${first?.message ?? 'Invalid input'}${more}`, fieldErrors);
  return Object.assign(err, { fieldMessages: fieldMessagesFromIssues(error.issues) });
}

/**
 * What a call changed for its caller beside its answer, for the transport to apply: `session` is the
 * caller's session token from now on (a sign-in), or null when it ended (sign-out, a restore, an
 * expired token). Transports apply effects; none of them needs to know which channel caused one.
 */
export type Effects = { session?: string | null };

/** What every channel answers: data, or an error as data, and the effects, when there are any. */
export type Envelope<T> = { ok: true; data: T; effects?: Effects } | { ok: false; error: ErrorShape; effects?: Effects };
