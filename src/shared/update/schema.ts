import { z } from 'zod';

export const updateStates = ['unsupported', 'idle', 'checking', 'downloading', 'ready', 'error'] as const;
export const UpdateState = z.enum(updateStates);

export const ReleaseNote = z.object({
  /** The version the note is about, when the feed gives one note per version. */
  version: z.string().nullable(),
  /** Plain text, lines kept (the core strips any HTML). */
  text: z.string(),
});
export type ReleaseNote = z.infer<typeof ReleaseNote>;

export const UpdateStatus = z.object({
  /** `unsupported`: no updater (development build, the browser host, tests). */
  state: UpdateState,
  /** The version being downloaded, or ready to install. */
  version: z.string().optional(),
  releaseNotes: z.array(ReleaseNote).optional(),
  /** Download progress, 0–100. */
  progress: z.number().min(0).max(100).optional(),
  /** When a check last got an answer (ISO 8601). */
  lastCheckedAt: z.string().optional(),
  error: z.string().optional(),
  /** Show "Restart to update" now: an update is ready and staff are not busy with a customer. */
  offerRestart: z.boolean(),
});
export type UpdateStatus = z.infer<typeof UpdateStatus>;

// ---- channels ----

export const UpdateStatusInput = z
  .strictObject({
    /**
     * Whether staff are busy with a customer (the renderer's poll says so each minute); while they
     * are, the restart is not offered. A report lapses after a few minutes without a new one.
     */
    busy: z.boolean().optional(),
  })
  .prefault({});

export const UpdateRestartOutput = z.object({ message: z.string() });
