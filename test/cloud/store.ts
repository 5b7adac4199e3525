import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/*
 * The test cloud's storage: one SQLite file in the data dir (so a restarted server keeps its users,
 * customers, licences and token secret), or an in-memory database when no dir is given. The schema
 * is created in place; this is a test double, not a product, so there are no migrations to keep.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    store_id TEXT NOT NULL,
    email_key TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    UNIQUE (store_id, email_key)
  );

  CREATE TABLE IF NOT EXISTS customers (
    id TEXT PRIMARY KEY,
    store_id TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    local_id TEXT NOT NULL,
    local_data TEXT NOT NULL,
    address_id TEXT,
    address TEXT,
    optic_id TEXT,
    optic_data TEXT,
    -- lower-cased copies for search, uniqueness and sorting (JavaScript's toLowerCase, so not ASCII only)
    email_key TEXT NOT NULL,
    first_key TEXT NOT NULL,
    last_key TEXT NOT NULL,
    name_key TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS customers_store ON customers (store_id, deleted_at);
  -- The email check on every write and the list's sort orders, without scanning the store.
  CREATE INDEX IF NOT EXISTS customers_email ON customers (store_id, email_key);
  CREATE INDEX IF NOT EXISTS customers_updated ON customers (store_id, updated_at, id);
  CREATE INDEX IF NOT EXISTS customers_created ON customers (store_id, created_at, id);

  CREATE TABLE IF NOT EXISTS customer_files (
    customer_id TEXT NOT NULL REFERENCES customers (id),
    field TEXT NOT NULL,
    position INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (customer_id, field, position)
  );

  -- Seed 001's list carries each customer's groups; the API has no call to change them (the store's
  -- back office does): tests put a customer in one with putInGroup / POST /__control/groups.
  CREATE TABLE IF NOT EXISTS customer_groups (
    customer_id TEXT NOT NULL REFERENCES customers (id),
    group_id TEXT NOT NULL,
    group_name TEXT NOT NULL,
    PRIMARY KEY (customer_id, group_id)
  );

  CREATE TABLE IF NOT EXISTS idempotency_keys (
    store_id TEXT NOT NULL,
    key TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (store_id, key)
  );

  CREATE TABLE IF NOT EXISTS licences (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    store_id TEXT NOT NULL,
    status TEXT NOT NULL,
    expires_at TEXT,
    max_activations INTEGER NOT NULL
  );

  CREATE TABLE IF NOT EXISTS activations (
    licence_id TEXT NOT NULL REFERENCES licences (id),
    machine_id TEXT NOT NULL,
    activated_at TEXT NOT NULL,
    PRIMARY KEY (licence_id, machine_id)
  );
`;

export function openStore(dataDir: string | undefined): Db {
  let db: Db;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    db = new Database(join(dataDir, 'cloud.sqlite3'));
    db.pragma('journal_mode = WAL');
  } else {
    db = new Database(':memory:');
  }
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  return db;
}

/** A small key/value table for the server's own settings (the token secret, the token generation). */
export function readMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function writeMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}
