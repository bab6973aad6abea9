// The page's single animation-frame loop. Frames arrive at the sample interval; each one only
// marks the page dirty, and the next animation frame draws the visible view once. A hidden tab
// gets no animation frames, so it costs nothing until shown again.
export class RenderLoop {
  private scheduled = false;

  constructor(private readonly draw: (now: number) => void) {}

  invalidate(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.draw(Date.now());
    });
  }
}
