/**
 * A code shown as a QR (an appointment's check-in code, a coupon's code): the text encoded as a QR matrix, drawn as
 * rows of dark runs (so the same Views draw it in WeChat and in the browser, with no canvas API in between).
 */
import encodeQR from 'qr';

/** Our codes are ASCII (URL-safe base64, Crockford base32): bytes = characters. No TextEncoder needed (old WeChat). */
function asciiBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) throw new Error('The QR text must be ASCII');
    bytes[i] = code;
  }
  return bytes;
}

/** The QR matrix (true = dark module), without a quiet zone: the component draws the white margin. */
export function qrMatrix(text: string): boolean[][] {
  // The encoder always adds a quiet zone: ask for the thinnest and take it off.
  const framed = encodeQR(text, 'raw', { ecc: 'medium', border: 1, encoding: 'byte', textEncoder: asciiBytes });
  return framed.slice(1, -1).map((row) => row.slice(1, -1));
}

export interface QrRun {
  /** First column of the run. */
  start: number;
  /** Modules in the run. */
  length: number;
}

/** Each row as runs of consecutive dark modules (far fewer nodes to draw than one per module). */
export function darkRuns(matrix: readonly (readonly boolean[])[]): QrRun[][] {
  return matrix.map((row) => {
    const runs: QrRun[] = [];
    let start = -1;
    row.forEach((dark, column) => {
      if (dark && start < 0) start = column;
      if (!dark && start >= 0) {
        runs.push({ start, length: column - start });
        start = -1;
      }
    });
    if (start >= 0) runs.push({ start, length: row.length - start });
    return runs;
  });
}
