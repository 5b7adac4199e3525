import { createContext, useContext, type ReactNode } from 'react';
import type { Call } from './client';
import type { SubscribeEvents } from './events';

const CallContext = createContext<Call | null>(null);
const EventsContext = createContext<SubscribeEvents | null>(null);

export function ApiProvider({ call, events = null, children }: { call: Call; events?: SubscribeEvents | null; children: ReactNode }) {
  return (
    <CallContext.Provider value={call}>
      <EventsContext.Provider value={events}>{children}</EventsContext.Provider>
    </CallContext.Provider>
  );
}

/** The typed `call(channel, input)` of whichever transport main.tsx picked. */
export function useCall(): Call {
  const call = useContext(CallContext);
  if (!call) throw new Error('useCall outside <ApiProvider>');
  return call;
}

/** Main's events over the same transport (null when there are none: the page polls instead). */
export function useAppEvents(): SubscribeEvents | null {
  return useContext(EventsContext);
}
