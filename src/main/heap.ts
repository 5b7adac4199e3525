import { setFlagsFromString } from 'node:v8';

/** How far past what is live V8 lets the heap grow before it collects, in percent. */
export const HEAP_GROWING_PERCENT = 50;

/**
 * The main process stays open all day on an old counter PC. Left to itself, V8 lets the heap grow
 * to up to 4 times what is live before a full collection: importing 100,000 rows (~45 MB live)
 * peaked at 326 MB of memory. Growing by half of what is live at most costs more full collections,
 * each short (≤ 10 ms measured), and kept that peak at 256–272 MB (`npm run bench -- import`). Called
 * first thing by both entries (the desktop app's main process and the browser host).
 */
export function preferSmallHeap(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
