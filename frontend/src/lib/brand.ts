// The UI's accent colour comes from the brand profile (GET /api/brand).

/** hexToRgb reads "#RRGGBB"; null for anything else. */
export function hexToRgb(hex: string): [number, number, number] | null {
  const m = /^#([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m || !m[1]) return null;
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function luminance([r, g, b]: [number, number, number]): number {
  const f = (c: number): number => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}

/** contrastOnWhite is the WCAG contrast ratio of a colour against white. */
export function contrastOnWhite(rgb: [number, number, number]): number {
  return 1.05 / (luminance(rgb) + 0.05);
}

/**
 * accentVars turns the brand's colours into the UI's accent: the primary
 * colour when white text on it is readable (4.5:1), else the accent colour
 * if that is, else null (the built-in blue stays).
 */
export function accentVars(primary?: string, accent?: string): Record<string, string> | null {
  for (const c of [primary, accent]) {
    const rgb = c ? hexToRgb(c) : null;
    if (!rgb || contrastOnWhite(rgb) < 4.5) continue;
    const [r, g, b] = rgb;
    const mix = (k: number, a: number): string => `rgb(${Math.round(r * k + 255 * (1 - k))} ${Math.round(g * k + 255 * (1 - k))} ${Math.round(b * k + 255 * (1 - k))}${a < 1 ? ` / ${a}` : ''})`;
    const dark = `rgb(${Math.round(r * 0.8)} ${Math.round(g * 0.8)} ${Math.round(b * 0.8)})`;
    return {
      '--bs-primary': `rgb(${r} ${g} ${b})`,
      '--bs-primary-hover': dark,
      '--bs-primary-soft': mix(0.1, 1),
      '--bs-primary-soft-2': mix(0.22, 1),
    };
  }
  return null;
}
