/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Parts of this file run inside the page (page.evaluate), where the DOM is the global scope.
import type { Page } from 'playwright-core';

/**
 * Elements that stick out of the viewport sideways, or make the page scroll sideways. A page may scroll down, never
 * across: on a phone, sideways scrolling is the overflow a person sees. Wide tables scroll inside their own container,
 * so their cells are measured against that container instead.
 */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const problems: string[] = [];
    if (document.documentElement.scrollWidth > width + 1) {
      problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth}px > ${width}px`);
    }
    const scrollsInside = (element: Element): boolean => {
      for (let parent = element.parentElement; parent; parent = parent.parentElement) {
        const overflowX = getComputedStyle(parent).overflowX;
        if (overflowX === 'auto' || overflowX === 'scroll' || overflowX === 'hidden') return true;
      }
      return false;
    };
    for (const element of document.body.querySelectorAll('*')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if ((box.right > width + 1 || box.left < -1) && !scrollsInside(element)) {
        const name = `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${
          element.className && typeof element.className === 'string' ? `.${element.className.split(' ')[0]}` : ''
        }`;
        problems.push(`${name} spans ${Math.round(box.left)}..${Math.round(box.right)}px of ${width}px`);
      }
    }
    return problems.slice(0, 10);
  });
}
