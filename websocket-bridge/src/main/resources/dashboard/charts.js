// Two small canvas charts for the dashboard: a line chart of per-second rates and a horizontal bar chart of counts.
// Hand-written rather than a charting library: together they are smaller than any library's minified file, and
// the page then loads nothing from outside the bridge.
'use strict';

const Charts = (() => {
  const AXIS = '#8a90a0';
  const GRID = '#e3e5ea';
  const TEXT = '#1d2330';
  const FONT = '11px system-ui, sans-serif';
  const PALETTE = ['#2f6fde', '#d9480f', '#2b8a3e', '#9c36b5', '#c2255c', '#0b7285', '#e67700', '#5c940d'];

  /** The canvas sized to its CSS box (at the device pixel ratio); drawing units are CSS pixels. */
  function prepare(canvas, cssHeight) {
    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(1, canvas.clientWidth);
    if (cssHeight) canvas.style.height = cssHeight + 'px';
    const height = Math.max(1, cssHeight || canvas.clientHeight);
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = FONT;
    return { ctx, width, height };
  }

  /** 1, 2 or 5 times a power of ten, at least {@code v}: axis maxima that read well. */
  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    return [1, 2, 5, 10].map(m => m * p).find(m => m >= v);
  }

  /**
   * Lines over the last {@code seconds} seconds: series = [{label, color, values}] with values[i] the rate in
   * second i (oldest first, all of the same length).
   */
  function lines(canvas, series, seconds) {
    const { ctx, width, height } = prepare(canvas);
    const left = 44, right = 8, top = 8, bottom = 20;
    const plotW = Math.max(1, width - left - right), plotH = Math.max(1, height - top - bottom);
    const max = niceMax(Math.max(0, ...series.flatMap(s => s.values)));
    ctx.fillStyle = AXIS;
    ctx.strokeStyle = GRID;
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let i = 0; i <= 4; i++) {
      const y = top + plotH - (plotH * i) / 4;
      ctx.beginPath();
      ctx.moveTo(left, Math.round(y) + 0.5);
      ctx.lineTo(left + plotW, Math.round(y) + 0.5);
      ctx.stroke();
      ctx.fillText(formatTick((max * i) / 4), left - 6, y);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const ago of [seconds, (seconds * 2) / 3, seconds / 3, 0]) {
      const x = left + plotW * (1 - ago / seconds);
      ctx.fillText(ago === 0 ? 'now' : `-${Math.round(ago)}s`, Math.min(Math.max(x, left + 12), width - 14), top + plotH + 5);
    }
    ctx.lineWidth = 2;
    ctx.lineJoin = 'round';
    for (const s of series) {
      ctx.strokeStyle = s.color;
      ctx.beginPath();
      s.values.forEach((v, i) => {
        const x = left + (plotW * i) / Math.max(1, s.values.length - 1);
        const y = top + plotH - (plotH * v) / max;
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      });
      ctx.stroke();
    }
  }

  /** Horizontal bars, largest first: bars = [{label, value, color}]; the canvas grows with the number of bars. */
  function bars(canvas, items) {
    const row = 24;
    const { ctx, width } = prepare(canvas, Math.max(row, items.length * row + 4));
    const labelW = Math.min(Math.max(80, width * 0.4), 260);
    const valueW = 56;
    const plotW = Math.max(1, width - labelW - valueW - 12);
    const max = Math.max(1, ...items.map(b => b.value));
    ctx.textBaseline = 'middle';
    items.forEach((b, i) => {
      const y = 2 + i * row;
      ctx.fillStyle = TEXT;
      ctx.textAlign = 'right';
      ctx.fillText(fit(ctx, b.label, labelW - 8), labelW - 8, y + row / 2);
      ctx.fillStyle = b.color;
      ctx.fillRect(labelW, y + 4, Math.max(2, (plotW * b.value) / max), row - 8);
      ctx.fillStyle = TEXT;
      ctx.textAlign = 'left';
      ctx.fillText(String(b.value), labelW + Math.max(2, (plotW * b.value) / max) + 6, y + row / 2);
    });
  }

  /** The label shortened with an ellipsis to fit {@code width} CSS pixels. */
  function fit(ctx, text, width) {
    if (ctx.measureText(text).width <= width) return text;
    let s = text;
    while (s.length > 1 && ctx.measureText(s + '…').width > width) s = s.slice(0, -1);
    return s + '…';
  }

  function formatTick(v) {
    return v >= 1000 ? `${(v / 1000).toFixed(v % 1000 ? 1 : 0)}k` : String(Math.round(v * 100) / 100);
  }

  /** A stable colour per name (same topic, same colour across redraws). */
  function color(name, known) {
    if (!known.has(name)) known.set(name, PALETTE[known.size % PALETTE.length]);
    return known.get(name);
  }

  return { lines, bars, color };
})();
