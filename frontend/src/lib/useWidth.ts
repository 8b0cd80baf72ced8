// The rendered width of an element, so that a chart draws in real pixels and its 12 px labels stay 12 px on a phone.
import { useEffect, useState } from 'react';

/**
 * A callback ref for the element and its current width in CSS pixels (`fallback` until
 * measured). A callback ref, since the element may appear only after data has loaded.
 */
export function useWidth<T extends HTMLElement>(fallback: number): [(el: T | null) => void, number] {
  const [el, setEl] = useState<T | null>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = () => {
      const w = Math.round(el.getBoundingClientRect().width);
      if (w > 0) setWidth(w);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [el]);
  return [setEl, width];
}
