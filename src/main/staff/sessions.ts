import type { Clock } from '../clock';
import { newToken } from './secrets';

export interface ActiveSession {
  token: string;
  staffId: string;
  lastActivity: number;
  locked: boolean;
}

/**
 * Signed-in sessions, in memory: a restart signs everyone out. A session idle longer than the
 * auto-lock delay is locked; its owner unlocks it with their PIN.
 */
export class Sessions {
  private readonly byToken = new Map<string, ActiveSession>();

  constructor(private readonly clock: Clock) {}

  open(staffId: string): ActiveSession {
    const session = { token: newToken(), staffId, lastActivity: this.clock.now().getTime(), locked: false };
    this.byToken.set(session.token, session);
    return session;
  }

  /** The session for a token, locked first if it has been idle too long. */
  find(token: string | null | undefined, autoLockMs: number): ActiveSession | null {
    if (!token) return null;
    const session = this.byToken.get(token);
    if (!session) return null;
    if (!session.locked && this.clock.now().getTime() - session.lastActivity > autoLockMs) session.locked = true;
    return session;
  }

  touch(session: ActiveSession): void {
    session.lastActivity = this.clock.now().getTime();
  }

  close(token: string): void {
    this.byToken.delete(token);
  }

  /** Signs a staff member out everywhere (disabled, password reset). */
  closeAllOf(staffId: string): void {
    for (const [token, s] of this.byToken) if (s.staffId === staffId) this.byToken.delete(token);
  }
}
