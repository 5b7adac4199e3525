import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrate';

export default {
  name: '0010_imports',
  async up(db: Kysely<unknown>) {
    // One import of a previous system's file (issue 13 item 1): undone whole, so what it wrote is kept
    // by customer. A batch still 'running' when the app opens was cut by a crash: 'interrupted'.
    await sql`create table import_batches (
      id text primary key,
      file_name text not null,
      started_at text not null,
      finished_at text,
      by_username text not null,
      status text not null check (status in ('running', 'done', 'cancelled', 'undone', 'interrupted')),
      imported integer not null default 0,
      merged integer not null default 0,
      skipped integer not null default 0,
      prescriptions integer not null default 0
    )`.execute(db);
    // What a batch did to each customer: created, or merged into (with the values it filled, as they
    // were before, so an undo gives them back). `stamp` is the customer's updated_at the import left:
    // any later change shows as another one, and the undo keeps that customer.
    await sql`create table import_items (
      batch_id text not null references import_batches (id) on delete cascade,
      customer_id text not null references customers (id) on delete cascade,
      kind text not null check (kind in ('created', 'merged')),
      before text,
      prescription_ids text not null default '[]',
      stamp text not null,
      primary key (batch_id, customer_id)
    )`.execute(db);
    // The mapping a person last used for a file with these headers (the key is the folded header set).
    await sql`create table import_mappings (
      header_key text primary key,
      mapping text not null,
      saved_at text not null
    )`.execute(db);
  },
} satisfies Migration;
