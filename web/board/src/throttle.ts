/**
 * Runs `paint` at most once every `minMs`, on an animation frame, however often `schedule` is
 * called: a burst of changes becomes a few repaints a second. Each repaint is counted in
 * `<html data-repaints>` (for tests and diagnostics).
 */
export function throttledPaint(paint: () => void, minMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  let stopped = false;
  return {
    schedule() {
      if (timer !== undefined || stopped) return;
      timer = setTimeout(() => {
        requestAnimationFrame(() => {
          timer = undefined;
          if (stopped) return;
          last = Date.now();
          const root = document.documentElement;
          root.dataset.repaints = String(Number(root.dataset.repaints ?? 0) + 1);
          paint();
        });
      }, Math.max(0, last + minMs - Date.now()));
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
