import { Text, Video, View } from '@tarojs/components';
import { useState } from 'react';
import type { ReadTracker } from '../../../content/tracker';
import './VideoPlayer.scss';

/**
 * The video with its cover. Watching counts while it plays (and the page is shown); playing to the end finishes
 * the read.
 */
export default function VideoPlayer({
  url,
  cover,
  tracker,
}: {
  url: string;
  cover: string | null;
  tracker: ReadTracker;
}) {
  const [failed, setFailed] = useState(false);
  return (
    <View className="content-video" data-testid="content-video">
      <Video
        id="content-video"
        className="content-video__player"
        src={url}
        poster={cover ?? undefined}
        controls
        showCenterPlayBtn
        objectFit="contain"
        onPlay={() => {
          setFailed(false);
          tracker.playing(true);
        }}
        onPause={() => tracker.playing(false)}
        onEnded={() => {
          tracker.playing(false);
          void tracker.finish();
        }}
        onError={() => {
          tracker.playing(false);
          setFailed(true);
        }}
      />
      {failed && <Text className="content-video__error">视频暂时无法播放，请稍后再试</Text>}
    </View>
  );
}
