import type { Channel } from '../shared/contract';
import type { Handlers } from './dispatch';

/** The handlers of some channels: what each domain's handlers.ts exports and core.ts composes. */
export type HandlersOf<C extends Channel> = Pick<Handlers, C>;

/** The channels of a group (`customers`, `sync`, …) as the contract names them. */
export type GroupChannels<G extends string> = Extract<Channel, `${G}.${string}`>;
