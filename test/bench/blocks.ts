/**
 * The event loop's longest block (the longest it went without running a 1 ms timer) in each stretch,
 * from one probe: a block is counted whole, in the stretch where it ends (a probe per stretch cut a
 * block across their boundary in two).
 */
export function watchBlocks() {
  let longest = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  return {
    /** The longest block ended since the last lap. */
    lap() {
      const out = longest;
      longest = 0;
      return out;
    },
    stop() {
      clearInterval(probe);
      return Math.max(longest, performance.now() - last);
    },
  };
}
