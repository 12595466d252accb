import { Image, Text, View } from '@tarojs/components';
import { audienceBadge, cardMeta, categoryLabel, durationText } from '../../../content/format';
import type { ContentCard } from '../../../content/types';
import './FeedCard.scss';

/** A feed item: title, summary and what it is on the left, its cover (or its category) on the right. */
export default function FeedCard({ card, onOpen }: { card: ContentCard; onOpen: () => void }) {
  const badge = audienceBadge(card.audience);
  return (
    <View
      className="feed-card"
      data-testid="content-card"
      data-content-id={card.id}
      data-kind={card.kind}
      onClick={onOpen}
    >
      <View className="feed-card__text">
        <View className="feed-card__title-row">
          {badge && <Text className="feed-card__badge">{badge}</Text>}
          <Text className="feed-card__title" data-testid="content-card-title">
            {card.title}
          </Text>
        </View>
        {card.summary && <Text className="feed-card__summary">{card.summary}</Text>}
        <Text className="feed-card__meta">{cardMeta(card)}</Text>
      </View>
      <View className={`feed-card__cover feed-card__cover--${card.category.length % 4}`}>
        {card.coverUrl ? (
          <Image className="feed-card__image" src={card.coverUrl} mode="aspectFill" lazyLoad />
        ) : (
          <Text className="feed-card__placeholder">{categoryLabel(card.category)}</Text>
        )}
        {card.kind === 'video' && (
          <View className="feed-card__play">
            <Text className="feed-card__play-icon">▶</Text>
            {durationText(card.video?.durationSeconds) && (
              <Text className="feed-card__duration">{durationText(card.video?.durationSeconds)}</Text>
            )}
          </View>
        )}
      </View>
    </View>
  );
}
