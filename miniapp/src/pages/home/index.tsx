import { Button } from '@nutui/nutui-react-taro';
import { ScrollView, Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { useStore } from '../../booking/useStore';
import AppError from '../../components/AppError';
import ConsentPrompt from '../../components/ConsentPrompt';
import SessionStatus from '../../components/SessionStatus';
import { contentApi } from '../../content/client';
import { createContentFeed, type ContentFeedStore, type FeedState } from '../../content/feed';
import { categoryLabel } from '../../content/format';
import { contentPage } from '../../content/routes';
import { welcomeTitle } from '../../lib/format';
import { MEETING_LIST_PAGE, MY_MEETINGS_PAGE } from '../../meetings/routes';
import { session, useSession } from '../../session';
import { usePageView } from '../../tracking';
import FeedCard from './components/FeedCard';
import './index.scss';

export default function Home() {
  usePageView('首页');
  const [sandbox, setSandbox] = useState(false);
  const [organisationName, setOrganisationName] = useState<string | null>(null);
  const signedIn = useSession().status === 'signed-in';
  const [feed] = useState(() => createContentFeed({ api: contentApi }));

  useEffect(() => {
    let active = true;
    void session.loadAppConfig().then((config) => {
      if (!active) return;
      setSandbox(config?.sandbox === true);
      setOrganisationName(config?.organisation?.name ?? null);
    });
    return () => {
      active = false;
    };
  }, []);

  // The feed is the signed-in customer's (HCP-only items for verified HCPs): loaded once signed in.
  useEffect(() => {
    if (signedIn) void feed.load();
  }, [signedIn, feed]);
  usePullDownRefresh(() => {
    void (signedIn ? feed.refresh() : Promise.resolve()).finally(() => Taro.stopPullDownRefresh());
  });
  useReachBottom(() => {
    if (signedIn) void feed.loadMore();
  });

  return (
    <View className="page home">
      <View className="home-hero">
        <Text className="home-title">{welcomeTitle(organisationName)}</Text>
        <Text className="home-subtitle">健康科普、学术内容与会议活动，预约和优惠也都在这里</Text>
      </View>
      {sandbox && (
        <View className="home-sandbox">
          <Text>沙箱环境：微信登录等由本地模拟，未连接真实的微信服务</Text>
        </View>
      )}
      <SessionStatus />
      <View className="home-shortcuts">
        <View
          className="home-shortcut home-shortcut--meetings"
          data-testid="home-meetings"
          onClick={() => void Taro.navigateTo({ url: MEETING_LIST_PAGE })}
        >
          <Text className="home-shortcut__title">会议与活动</Text>
          <Text className="home-shortcut__text">学术会议、患者讲座 ›</Text>
        </View>
        <View
          className="home-shortcut home-shortcut--mine"
          data-testid="home-my-meetings"
          onClick={() => void Taro.navigateTo({ url: MY_MEETINGS_PAGE })}
        >
          <Text className="home-shortcut__title">我的会议</Text>
          <Text className="home-shortcut__text">签到码与问卷 ›</Text>
        </View>
      </View>
      {signedIn && <Feed feed={feed} />}
      <ConsentPrompt variant="popup" />
    </View>
  );
}

function Feed({ feed }: { feed: ContentFeedStore }) {
  const state = useStore(feed);
  return (
    <View className="home-feed">
      <Text className="home-feed__heading">健康内容</Text>
      <Chips state={state} feed={feed} />
      <Items state={state} feed={feed} />
    </View>
  );
}

function Chips({ state, feed }: { state: FeedState; feed: ContentFeedStore }) {
  const chips = [
    { key: null, label: '全部' },
    ...(state.categories ?? []).map((item) => ({ key: item.category, label: categoryLabel(item.category) })),
  ];
  return (
    <ScrollView className="home-chips" scrollX enhanced showScrollbar={false}>
      <View className="home-chips__row">
        {chips.map((chip) => (
          <View
            key={chip.key ?? 'all'}
            className={`home-chip ${state.category === chip.key ? 'home-chip--active' : ''}`}
            data-testid={`feed-chip-${chip.key ?? 'all'}`}
            onClick={() => void feed.select(chip.key)}
          >
            <Text>{chip.label}</Text>
          </View>
        ))}
      </View>
    </ScrollView>
  );
}

function Items({ state, feed }: { state: FeedState; feed: ContentFeedStore }) {
  if (state.status === 'error') {
    return <AppError title="内容加载失败" message={state.error ?? ''} onRetry={() => void feed.load()} />;
  }
  if (state.status !== 'ready') {
    return (
      <View className="home-feed__note app-loading">
        <Text>正在加载内容…</Text>
      </View>
    );
  }
  if (state.items.length === 0) {
    return (
      <View className="home-feed__note" data-testid="feed-empty">
        <Text>{state.category ? '这个分类下暂时没有内容' : '暂时还没有内容，敬请期待'}</Text>
      </View>
    );
  }
  return (
    <View className="home-feed__list">
      {state.items.map((card) => (
        <FeedCard key={card.id} card={card} onOpen={() => void Taro.navigateTo({ url: contentPage(card.id) })} />
      ))}
      <View className="home-feed__footer">
        {state.loadingMore ? (
          <Text className="app-loading">正在加载…</Text>
        ) : state.moreError ? (
          <View className="home-feed__more-error">
            <Text>加载失败：{state.moreError}</Text>
            <Button size="small" fill="outline" onClick={() => void feed.loadMore()}>
              重试
            </Button>
          </View>
        ) : state.nextCursor ? (
          <Button size="small" fill="outline" data-testid="feed-more" onClick={() => void feed.loadMore()}>
            加载更多
          </Button>
        ) : (
          <Text data-testid="feed-end">没有更多了</Text>
        )}
      </View>
    </View>
  );
}
