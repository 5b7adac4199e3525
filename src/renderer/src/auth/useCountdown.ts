import { useEffect, useState } from 'react';

/** Seconds left of a wait the core asked for (auth.rateLimited), ticking down to 0. */
export function useCountdown() {
  const [until, setUntil] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (until === null) return;
    const timer = setInterval(() => {
      const at = Date.now();
      setNow(at);
      if (at >= until) setUntil(null);
    }, 1_000);
    return () => clearInterval(timer);
  }, [until]);

  const left = until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1_000));
  return {
    left,
    start(seconds: number) {
      const at = Date.now();
      setNow(at);
      setUntil(at + seconds * 1_000);
    },
  };
}
