import decodeQR from 'qr/decode.js';
import { describe, expect, it } from 'vitest';
import { darkRuns, qrMatrix } from '../../../miniapp/src/lib/qr';

/** Draws a matrix as a scanner would see it: black modules on white, with a quiet zone. */
function render(matrix: boolean[][], scale = 6, border = 4) {
  const size = (matrix.length + 2 * border) * scale;
  const data = new Uint8Array(size * size * 4).fill(255);
  matrix.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const offset = (((y + border) * scale + dy) * size + (x + border) * scale + dx) * 4;
          data[offset] = data[offset + 1] = data[offset + 2] = 0;
        }
      }
    }),
  );
  return { width: size, height: size, data };
}

describe('check-in QR', () => {
  it('encodes the check-in code so that a scanner reads it back', () => {
    const code = 'Xy3_-AbCdEfGhIjK'; // 16 characters of URL-safe base64, like the server's codes
    const matrix = qrMatrix(code);
    expect(matrix.length).toBe(25); // version 2: big modules, easy to scan from a phone screen
    expect(matrix.every((row) => row.length === 25)).toBe(true);
    expect(decodeQR(render(matrix))).toBe(code);
  });

  it('has no quiet zone of its own (the component draws it): the finder patterns touch the corners', () => {
    const matrix = qrMatrix('AbCdEfGhIjKlMnOp');
    expect(matrix[0]!.slice(0, 7)).toEqual(Array(7).fill(true));
    expect(matrix[0]!.slice(-7)).toEqual(Array(7).fill(true));
    expect(matrix[24]!.slice(0, 7)).toEqual(Array(7).fill(true));
  });

  it('refuses text that is not ASCII rather than encode it wrongly', () => {
    expect(() => qrMatrix('签到码')).toThrow(/ASCII/);
  });

  it('draws each row as runs of dark modules that cover exactly the dark ones', () => {
    const matrix = qrMatrix('AbCdEfGhIjKlMnOp');
    const runs = darkRuns(matrix);
    const redrawn = runs.map((row) => {
      const line = Array(matrix.length).fill(false);
      for (const run of row) for (let i = run.start; i < run.start + run.length; i++) line[i] = true;
      return line;
    });
    expect(redrawn).toEqual(matrix);
    expect(
      darkRuns([
        [true, true, false, true],
        [false, false, false, false],
      ]),
    ).toEqual([
      [
        { start: 0, length: 2 },
        { start: 3, length: 1 },
      ],
      [],
    ]);
    // Fewer blocks to draw than dark modules (and far fewer than the 625 modules).
    expect(runs.flat().length).toBeLessThan(matrix.flat().filter(Boolean).length * 0.6);
  });
});
