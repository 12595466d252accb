import { View } from '@tarojs/components';
import { useMemo } from 'react';
import { darkRuns, qrMatrix } from '../lib/qr';
import './QrCode.scss';

/**
 * A QR code drawn with Views: one row per module row, one block per run of dark modules, positioned in percent of
 * the square. The same markup renders in WeChat and in the browser; the white margin is the quiet zone.
 */
export default function QrCode({ text, className }: { text: string; className?: string }) {
  const rows = useMemo(() => {
    const matrix = qrMatrix(text);
    return { size: matrix.length, runs: darkRuns(matrix) };
  }, [text]);
  const unit = 100 / rows.size;
  return (
    <View className={`qr-code ${className ?? ''}`} data-text={text}>
      <View className="qr-code__matrix">
        {rows.runs.map((runs, row) => (
          <View key={row} className="qr-code__row" style={{ top: `${row * unit}%`, height: `${unit}%` }}>
            {runs.map((run) => (
              <View
                key={run.start}
                className="qr-code__run"
                style={{ left: `${run.start * unit}%`, width: `${run.length * unit}%` }}
              />
            ))}
          </View>
        ))}
      </View>
    </View>
  );
}
