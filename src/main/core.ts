import type { Channel, ChannelOutput } from '../shared/contract';
import type { Envelope } from '../shared/errors';
import { type Clock, systemClock } from './clock';
import { CustomerService } from './customers/service';
import { openDatabase } from './db/database';
import { type CallContext, type Dispatch, type Handlers, call, createDispatch } from './dispatch';
import { type Logger, consoleLogger } from './log';

export interface CoreOptions {
  dataDir: string;
  appVersion: string;
  clock?: Clock;
  log?: Logger;
  /** better-sqlite3 built for Electron's ABI, when running inside Electron. */
  nativeBinding?: string;
}

/** The app without any transport: what Electron IPC, the browser host and tests all wrap. */
export interface Core {
  dataDir: string;
  dispatch: Dispatch;
  /** Dispatch with the default context. */
  handle(channel: string, rawInput: unknown): Promise<Envelope<unknown>>;
  /** Typed direct call for tests and tooling; throws AppError. */
  call<C extends Channel>(channel: C, input: unknown): Promise<ChannelOutput<C>>;
  customers: CustomerService;
  close(): Promise<void>;
}

/** The composition root: opens the store and wires every channel to its service. */
export async function openCore(opts: CoreOptions): Promise<Core> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? consoleLogger;
  const store = await openDatabase({ dataDir: opts.dataDir, clock, nativeBinding: opts.nativeBinding });
  const customers = new CustomerService(store.db, clock);
  // Build the search index now rather than on the first keystroke at the counter.
  const warming = customers.warmUp().catch((err: unknown) => log.error('search index warm-up failed', err));

  const handlers: Handlers = {
    'app.info': () => ({ version: opts.appVersion, dataDir: opts.dataDir, schemaVersion: store.schemaVersion }),
    'customers.create': (input) => customers.create(input),
    'customers.get': ({ id }) => customers.get(id),
    'customers.list': (input) => customers.list(input),
    'customers.update': (input) => customers.update(input),
    'customers.delete': ({ id }) => customers.delete(id),
    'customers.bulkDelete': ({ ids }) => customers.bulkDelete(ids),
  };
  const dispatch = createDispatch(handlers, log);
  const ctx: CallContext = { clock };

  let closed = false;
  return {
    dataDir: opts.dataDir,
    dispatch,
    customers,
    handle: (channel, rawInput) => dispatch(channel, rawInput, ctx),
    call: (channel, input) => call(dispatch, channel, input, ctx),
    async close() {
      if (closed) return;
      closed = true;
      await warming;
      // Folds the WAL back into the main file so a copied data dir is one complete file.
      store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      await store.db.destroy();
    },
  };
}
