// Which rows of a long list to put in the DOM: those on the screen and within a margin of it. At
// 1000 containers a table of every row made each tick a 140-175 ms long task in Chromium (style,
// table layout, paint of all rows, test/bench/dashboard.ts); a window keeps that to the rows shown.
// Pure, so it is unit-tested without a browser.

export interface RowWindow { from: number; to: number }

/**
 * Rows [from, to) of `count` rows of `rowHeight` px each, whose first row's top is at `listTop` px
 * from the viewport's top, that come within `marginPx` of a viewport `viewportHeight` px high.
 * Without a known row height (nothing drawn yet) the first screenful, so there is one to measure.
 */
export function rowWindow(count: number, rowHeight: number, listTop: number, viewportHeight: number, marginPx: number): RowWindow {
  if (!(rowHeight > 0)) return { from: 0, to: Math.min(count, Math.ceil(viewportHeight / 20)) };
  const from = Math.floor((-marginPx - listTop) / rowHeight);
  const to = Math.ceil((viewportHeight + marginPx - listTop) / rowHeight);
  const clamp = (i: number): number => Math.max(0, Math.min(count, i));
  return { from: clamp(from), to: clamp(to) };
}
