import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { argon2Verify, argon2id } from 'hash-wasm';
import { z } from 'zod';
import { HttpError, type Reply, type Route, json, parseJsonBody } from './http';
import { type Db, readMeta, writeMeta } from './store';

/*
 * Store users and their bearer tokens (cloud-api.md "Store login"): `POST /auth/login` answers a
 * JWT (HS256) with `sub`, `storeId` and `exp`. The HMAC secret lives in the store so tokens survive a
 * restart on the same data dir. A `gen` claim is compared with a persisted generation counter:
 * expireAllTokens() bumps it, which invalidates every token issued so far in one write.
 */

// Cheap argon2id: this is a test server, and the hash only has to be real, not costly.
const HASH_PARAMS = { memorySize: 1024, iterations: 1, parallelism: 1, hashLength: 32, outputType: 'encoded' } as const;

export interface TokenUser {
  id: string;
  storeId: string;
}

const BAD_CREDENTIALS = 'Invalid email or password';

const LoginBody = z.object({
  email: z.string({ error: 'email must be a string' }).min(1, 'email should not be empty'),
  password: z.string({ error: 'password must be a string' }).min(1, 'password should not be empty'),
});

export class Auth {
  private readonly secret: Buffer;
  /** Verified against for unknown emails too, so timing does not tell which emails exist. */
  private readonly decoy: Promise<string>;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly ttlMs: number,
  ) {
    let secret = readMeta(db, 'jwtSecret');
    if (!secret) {
      secret = randomBytes(32).toString('hex');
      writeMeta(db, 'jwtSecret', secret);
    }
    this.secret = Buffer.from(secret, 'hex');
    this.decoy = hash(randomBytes(16).toString('hex'));
  }

  /** Adds a store owner, or gives an existing one (same store, same email) this password. */
  async addUser(u: { storeId: string; email: string; password: string }): Promise<void> {
    const passwordHash = await hash(u.password);
    this.db
      .prepare(
        `INSERT INTO users (id, store_id, email_key, password_hash) VALUES (?, ?, ?, ?)
         ON CONFLICT (store_id, email_key) DO UPDATE SET password_hash = excluded.password_hash`,
      )
      .run(randomUUID(), u.storeId, emailKey(u.email), passwordHash);
  }

  /** Users are per store: the same email in another store is another account. */
  async login(storeId: string, body: unknown): Promise<Reply> {
    const parsed = LoginBody.safeParse(body);
    if (!parsed.success) throw new HttpError(400, parsed.error.issues.map((i) => i.message));
    const user = this.db
      .prepare('SELECT id, password_hash FROM users WHERE store_id = ? AND email_key = ?')
      .get(storeId, emailKey(parsed.data.email)) as { id: string; password_hash: string } | undefined;
    const ok = await verify(user?.password_hash ?? (await this.decoy), parsed.data.password);
    if (!user || !ok) throw new HttpError(401, BAD_CREDENTIALS);

    const exp = Math.floor((this.now().getTime() + this.ttlMs) / 1000);
    const token = this.sign({ sub: user.id, storeId, iat: Math.floor(this.now().getTime() / 1000), exp, gen: this.generation() });
    return json(200, { token, expiresAt: new Date(exp * 1000).toISOString() });
  }

  /** The user behind `Authorization: Bearer <jwt>`, or null when missing, forged, expired or revoked. */
  authenticate(authorization: string | undefined): TokenUser | null {
    const m = /^Bearer (\S+)$/i.exec(authorization ?? '');
    const parts = m?.[1]?.split('.');
    if (!parts || parts.length !== 3) return null;
    const [header, payload, signature] = parts as [string, string, string];
    const expected = this.mac(`${header}.${payload}`);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;

    const claims = Claims.safeParse(decode(payload));
    if (!claims.success || decode(header)?.alg !== 'HS256') return null;
    const { sub, storeId, exp, gen } = claims.data;
    if (exp * 1000 <= this.now().getTime() || gen !== this.generation()) return null;
    const exists = this.db.prepare('SELECT 1 FROM users WHERE id = ? AND store_id = ?').get(sub, storeId);
    return exists ? { id: sub, storeId } : null;
  }

  expireAllTokens(): void {
    writeMeta(this.db, 'tokenGeneration', String(this.generation() + 1));
  }

  private generation(): number {
    return Number(readMeta(this.db, 'tokenGeneration') ?? '0');
  }

  private sign(claims: z.infer<typeof Claims> & { iat: number }): string {
    const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${head}.${body}.${this.mac(`${head}.${body}`).toString('base64url')}`;
  }

  private mac(input: string): Buffer {
    return createHmac('sha256', this.secret).update(input).digest();
  }
}

const Claims = z.object({ sub: z.string(), storeId: z.string(), exp: z.number(), gen: z.number() });

function decode(part: string): Record<string, unknown> | null {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

function hash(password: string): Promise<string> {
  return argon2id({ ...HASH_PARAMS, password, salt: randomBytes(16) });
}

async function verify(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await argon2Verify({ password, hash: passwordHash });
  } catch {
    return false;
  }
}

export function authRoutes(auth: Auth): Route[] {
  return [{ method: 'POST', pattern: /^\/auth\/login$/, access: 'store', handle: (ctx) => auth.login(ctx.storeId, parseJsonBody(ctx.body)) }];
}
