import decodeQR from 'qr/decode.js';
import { describe, expect, it } from 'vitest';
import { qrMatrix } from '../../../miniapp/src/lib/qr';

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

describe('coupon QR', () => {
  it('encodes the 16-character coupon code so that the staff’s scanner reads it back', () => {
    const code = '7K3M9Q2XHV4T8WZD'; // Crockford base32, like the server's codes
    const matrix = qrMatrix(code);
    expect(matrix.length).toBe(25); // big modules: easy to scan across a counter
    expect(decodeQR(render(matrix))).toBe(code);
  });
});
