/**
 * The campaigns that brought the customer, for the profile header. A customer no campaign reached has none; a failure
 * leaves the line out (the header does not depend on it).
 */
import { useEffect, useState } from 'react';
import { attributionLines, type AttributionLine } from '../campaigns/attribution';
import { api } from '../shell/runtime';

export function useAttribution(customerId: string | null): AttributionLine[] {
  const [lines, setLines] = useState<{ id: string; lines: AttributionLine[] } | null>(null);
  useEffect(() => {
    if (!customerId) return;
    let active = true;
    api.customerAttribution(customerId).then(
      (attribution) => {
        if (active) setLines({ id: customerId, lines: attributionLines(attribution) });
      },
      () => {
        if (active) setLines({ id: customerId, lines: [] });
      },
    );
    return () => {
      active = false;
    };
  }, [customerId]);
  return lines && lines.id === customerId ? lines.lines : [];
}
