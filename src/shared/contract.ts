import { z } from 'zod';
import * as C from './customers/schema';
import type { Envelope } from './errors';

const NoInput = z.strictObject({}).prefault({});

export const AppInfo = z.object({ version: z.string(), dataDir: z.string(), schemaVersion: z.number().int() });

/**
 * The one IPC contract: channel name -> zod input + zod output. Electron IPC, the browser host's
 * `POST /api/<channel>` and direct calls in tests all go through it.
 */
export const contract = {
  'app.info': { input: NoInput, output: AppInfo },
  'customers.create': { input: C.CustomerCreateInput, output: C.CustomerCreateOutput },
  'customers.get': { input: C.CustomerIdInput, output: C.CustomerDetail },
  'customers.list': { input: C.CustomerListInput, output: C.CustomerListOutput },
  'customers.update': { input: C.CustomerUpdateInput, output: C.CustomerCreateOutput },
  'customers.delete': { input: C.CustomerIdInput, output: C.CustomerDeleteOutput },
  'customers.bulkDelete': { input: C.CustomerBulkDeleteInput, output: C.CustomerBulkDeleteOutput },
} as const satisfies Record<`${string}.${string}`, { input: z.ZodType; output: z.ZodType }>;

export type Contract = typeof contract;
export type Channel = keyof Contract;
/** What a caller sends (before defaults and trimming). */
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
/** What the handler receives, parsed. */
export type ParsedInput<C extends Channel> = z.output<Contract[C]['input']>;
export type ChannelOutput<C extends Channel> = z.output<Contract[C]['output']>;

export const channels = Object.keys(contract) as Channel[];

export function isChannel(name: string): name is Channel {
  return Object.hasOwn(contract, name);
}

type GroupOf<C extends string> = C extends `${infer G}.${string}` ? G : never;
type MethodOf<C extends string, G extends string> = C extends `${G}.${infer M}` ? M : never;

/** `window.api` as the preload exposes it: `api.customers.create(input)`; never throws across IPC. */
export type Api = {
  [G in GroupOf<Channel>]: {
    [C in Channel as MethodOf<C, G>]: (input: ChannelInput<C>) => Promise<Envelope<ChannelOutput<C>>>;
  };
};

/** Splits `customers.create` into the `window.api` path; the preload builds the object from it. */
export function apiPath(channel: Channel): [group: string, method: string] {
  const dot = channel.indexOf('.');
  return [channel.slice(0, dot), channel.slice(dot + 1)];
}
