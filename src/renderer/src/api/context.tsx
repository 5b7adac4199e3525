import { createContext, useContext, type ReactNode } from 'react';
import type { Call } from './client';

const CallContext = createContext<Call | null>(null);

export function ApiProvider({ call, children }: { call: Call; children: ReactNode }) {
  return <CallContext.Provider value={call}>{children}</CallContext.Provider>;
}

/** The typed `call(channel, input)` of whichever transport main.tsx picked. */
export function useCall(): Call {
  const call = useContext(CallContext);
  if (!call) throw new Error('useCall outside <ApiProvider>');
  return call;
}
