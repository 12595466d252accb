/**
 * Real PNG images of QR codes for the sandbox (mini-program codes, contact-me codes): the matrix from the `qr`
 * package, written as an 8-bit greyscale PNG with node:zlib (deflate and CRC-32).
 */
import { crc32, deflateSync } from 'node:zlib';
import encodeQR from 'qr';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed) >>> 0, 0);
  return Buffer.concat([length, typed, crc]);
}

/** A greyscale PNG of a boolean matrix (true = black), each module `scale` pixels square. */
export function matrixPng(matrix: readonly (readonly boolean[])[], scale: number): Buffer {
  const modules = matrix.length;
  const side = modules * scale;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: greyscale
  header[10] = 0; // deflate
  header[11] = 0; // adaptive filtering (each row says "none")
  header[12] = 0; // no interlace
  const rows = Buffer.alloc(side * (side + 1));
  for (let y = 0; y < side; y++) {
    const row = matrix[Math.floor(y / scale)]!;
    const offset = y * (side + 1);
    rows[offset] = 0; // filter: none
    for (let x = 0; x < side; x++) rows[offset + 1 + x] = row[Math.floor(x / scale)] ? 0 : 255;
  }
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A PNG of the QR code of `text` (with its quiet zone), about `width` pixels wide. */
export function qrPng(text: string, width = 430): Buffer {
  const matrix = encodeQR(text, 'raw', { ecc: 'medium', border: 2 });
  return matrixPng(matrix, Math.max(1, Math.floor(width / matrix.length)));
}
