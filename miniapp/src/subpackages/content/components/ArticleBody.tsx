import { RichText, View } from '@tarojs/components';
import Taro, { usePageScroll } from '@tarojs/taro';
import { useEffect, useMemo, useRef } from 'react';
import { styleRichText } from '../../../content/html';
import { scrollDepth, type ReadTracker } from '../../../content/tracker';
import './ArticleBody.scss';

/** How often the scroll depth is measured while scrolling. */
const MEASURE_EVERY_MS = 400;
/** Reading this far down counts as reaching the end (the share bar and margins follow the text). */
const END_PERCENT = 98;

function windowHeight(): number {
  try {
    return Taro.getSystemInfoSync().windowHeight;
  } catch {
    return 0;
  }
}

/**
 * The sanitised rich text (Taro's RichText, the same in WeChat and the browser). For an article it also measures
 * how far down the reader is, throttled, and says when its end came into view.
 */
export default function ArticleBody({
  html,
  tracker,
  measure,
}: {
  html: string;
  tracker: ReadTracker;
  measure: boolean;
}) {
  const nodes = useMemo(() => styleRichText(html), [html]);
  const last = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);

  const measureNow = useRef(() => {
    Taro.createSelectorQuery()
      .select('.content-article')
      .boundingClientRect((rect) => {
        const box = Array.isArray(rect) ? rect[0] : rect;
        if (!box) return;
        const depth = scrollDepth({ top: box.top, height: box.height }, windowHeight());
        tracker.scrolled(depth);
        if (depth >= END_PERCENT) tracker.reachedEnd();
      })
      .exec();
  });

  function throttled() {
    const now = Date.now();
    if (now - last.current >= MEASURE_EVERY_MS) {
      last.current = now;
      measureNow.current();
      return;
    }
    // The last scroll of a burst is measured too.
    if (pending.current === null) {
      pending.current = setTimeout(() => {
        pending.current = null;
        last.current = Date.now();
        measureNow.current();
      }, MEASURE_EVERY_MS);
    }
  }

  usePageScroll(() => {
    if (measure) throttled();
  });
  // What shows before any scroll (a short article may fit the screen), once laid out.
  useEffect(() => {
    if (!measure) return;
    const timer = setTimeout(() => measureNow.current(), 300);
    return () => {
      clearTimeout(timer);
      if (pending.current !== null) clearTimeout(pending.current);
    };
  }, [measure]);

  return (
    <View className="content-article" data-testid="content-body">
      <RichText className="content-article__text" nodes={nodes} userSelect />
      <View className="content-article__end" data-testid="content-end" />
    </View>
  );
}
