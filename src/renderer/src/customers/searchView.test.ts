import { describe, expect, it } from 'vitest';
import { activeIndex } from './searchView';

const rows = (...ids: string[]) => ids.map((id) => ({ id }));

describe('activeIndex: the selected customer on coming back to the search', () => {
  it('is where they are now, however they moved', () => {
    expect(activeIndex(rows('a', 'b', 'c'), { index: 1, id: 'b' }, false)).toBe(1);
    expect(activeIndex(rows('b', 'a', 'c'), { index: 2, id: 'b' }, false)).toBe(0);
  });

  it('is not known yet while their place is on a page not loaded (back after the cached pages went)', () => {
    expect(activeIndex(rows('a', 'b'), { index: 120, id: 'x' }, true)).toBe(-1);
  });

  it('is the customer now at their place once that is loaded and they are not there (deleted)', () => {
    expect(activeIndex(rows('a', 'b', 'c'), { index: 1, id: 'x' }, true)).toBe(1);
    expect(activeIndex(rows('a', 'b'), { index: 5, id: 'x' }, false)).toBe(1);
    expect(activeIndex([], { index: 5, id: 'x' }, false)).toBe(0);
  });

  it('is the place itself when nobody was picked yet', () => {
    expect(activeIndex(rows('a', 'b'), { index: 0, id: null }, true)).toBe(0);
  });
});
