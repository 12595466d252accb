import { Button, Toast } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro, { useDidHide, useDidShow, useRouter, useShareAppMessage } from '@tarojs/taro';
import { useCallback, useEffect, useState } from 'react';
import AppError from '../../../../components/AppError';
import ConsentPrompt from '../../../../components/ConsentPrompt';
import { contentApi } from '../../../../content/client';
import { contentProblem, type ContentProblem } from '../../../../content/errors';
import { audienceBadge, categoryLabel, publishedText } from '../../../../content/format';
import { HOME_TAB, contentEntry, contentPage, sharePath } from '../../../../content/routes';
import { createReadTracker, type ReadTracker } from '../../../../content/tracker';
import type { ContentDetail } from '../../../../content/types';
import { session, useConsent, useSession } from '../../../../session';
import { hasAcceptedPolicy } from '../../../../session/consent';
import { usePageView } from '../../../../tracking';
import ArticleBody from '../../components/ArticleBody';
import VideoPlayer from '../../components/VideoPlayer';
import './index.scss';

export default function ContentPage() {
  usePageView('内容详情');
  const { params } = useRouter();
  const [entry] = useState(() => contentEntry(params));
  return (
    <View className="page content-page">
      {entry ? (
        <Reader id={entry.id} shareToken={entry.shareToken} />
      ) : (
        <AppError title="内容不存在" message="链接里没有有效的内容编号，请从首页重新打开" />
      )}
    </View>
  );
}

type Loaded =
  { status: 'loading' } | { status: 'ready'; detail: ContentDetail } | { status: 'failed'; problem: ContentProblem };

function Reader({ id, shareToken }: { id: string; shareToken: string | null }) {
  const sessionState = useSession();
  const signedIn = sessionState.status === 'signed-in';
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });

  const load = useCallback(async () => {
    setLoaded({ status: 'loading' });
    try {
      setLoaded({ status: 'ready', detail: await contentApi.detail(id) });
    } catch (error) {
      setLoaded({ status: 'failed', problem: contentProblem(error) });
    }
  }, [id]);

  // The item depends on who reads it (HCP-only content for verified HCPs): loaded once signed in.
  useEffect(() => {
    if (signedIn) void load();
  }, [signedIn, load]);

  useEffect(() => {
    if (loaded.status === 'ready')
      void Taro.setNavigationBarTitle({ title: loaded.detail.kind === 'video' ? '视频' : '文章' });
  }, [loaded]);

  // WeChat's share: the server's path carries my share token, so whoever opens it is attributed to me.
  useShareAppMessage(() => {
    const detail = loaded.status === 'ready' ? loaded.detail : null;
    const fallback = {
      title: detail?.title ?? '健康内容',
      path: contentPage(id),
      ...(detail?.coverUrl ? { imageUrl: detail.coverUrl } : {}),
    };
    if (!detail) return fallback;
    return {
      ...fallback,
      promise: contentApi.share(id, 'friend').then(
        (share) => ({
          title: share.title,
          path: sharePath(share.path),
          ...(share.imageUrl ? { imageUrl: share.imageUrl } : {}),
        }),
        () => fallback,
      ),
    };
  });

  if (sessionState.status === 'error') {
    return <AppError title="登录失败" message={sessionState.message} onRetry={() => void session.retry()} />;
  }
  if (sessionState.status === 'erased') {
    return (
      <View className="content-note">
        <Text>账号已注销</Text>
      </View>
    );
  }
  if (!signedIn || loaded.status === 'loading') {
    return (
      <View className="content-note app-loading">
        <Text>正在加载…</Text>
      </View>
    );
  }
  if (loaded.status === 'failed') {
    const { problem } = loaded;
    if (problem.locked) return <Locked problem={problem} />;
    return (
      <View className="content-problem" data-testid="content-problem" data-code={problem.code}>
        <AppError
          title={problem.title}
          message={problem.message}
          onRetry={problem.retry ? () => void load() : undefined}
        />
        {!problem.retry && <HomeButton />}
      </View>
    );
  }
  return <Tracked detail={loaded.detail} shareToken={shareToken} />;
}

/** HCP-only content for someone who is not a verified HCP: a lock, never the title. */
function Locked({ problem }: { problem: ContentProblem }) {
  return (
    <View className="content-locked" data-testid="content-locked">
      <View className="lock-icon">
        <View className="lock-icon__shackle" />
        <View className="lock-icon__body" />
      </View>
      <Text className="content-locked__title">{problem.title}</Text>
      <Text className="content-locked__message">{problem.message}</Text>
      <HomeButton />
    </View>
  );
}

function HomeButton() {
  return (
    <Button className="content-home" fill="outline" onClick={() => void Taro.switchTab({ url: HOME_TAB })}>
      返回首页看看其他内容
    </Button>
  );
}

/** The item with its read being tracked (once the privacy policy is accepted). */
function Tracked({ detail, shareToken }: { detail: ContentDetail; shareToken: string | null }) {
  const accepted = hasAcceptedPolicy(useConsent());
  const [tracker] = useState<ReadTracker>(() =>
    createReadTracker({ api: contentApi, contentId: detail.id, shareToken, needsPlaying: detail.kind === 'video' }),
  );
  // Mounted on a shown page; WeChat (or the browser tab) going to the background hides it.
  useEffect(() => {
    tracker.show();
    return () => tracker.dispose();
  }, [tracker]);
  useDidShow(() => tracker.show());
  useDidHide(() => tracker.hide());
  useEffect(() => {
    if (accepted) void tracker.start();
  }, [accepted, tracker]);

  const badge = audienceBadge(detail.audience);
  return (
    <View className="content-detail" data-testid="content-detail" data-content-id={detail.id}>
      {detail.kind === 'video' && detail.video && (
        <VideoPlayer url={detail.video.url} cover={detail.coverUrl} tracker={tracker} />
      )}
      <View className="content-detail__head">
        <Text className="content-detail__title" data-testid="content-title">
          {detail.title}
        </Text>
        <View className="content-detail__meta">
          {badge && <Text className="content-detail__badge">{badge}</Text>}
          <Text>{categoryLabel(detail.category)}</Text>
          <Text>{publishedText(detail.publishedAt)}</Text>
          {detail.kind === 'article' && <Text>约 {detail.readingMinutes} 分钟读完</Text>}
        </View>
      </View>
      {detail.body && <ArticleBody html={detail.body} tracker={tracker} measure={detail.kind === 'article'} />}
      <ShareBar detail={detail} />
      {!accepted && <ConsentPrompt variant="popup" />}
    </View>
  );
}

/** Sharing: WeChat's share button in the mini-program; in the browser, a link (with my share token) copied. */
function ShareBar({ detail }: { detail: ContentDetail }) {
  const [toast, setToast] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (process.env.TARO_ENV === 'weapp') {
    return (
      <View className="content-share">
        <Button className="content-share__button" type="primary" fill="outline" openType="share" block>
          分享给朋友
        </Button>
      </View>
    );
  }
  async function copyLink() {
    setBusy(true);
    try {
      const share = await contentApi.share(detail.id, 'link');
      const base = typeof window === 'undefined' ? '' : `${window.location.origin}${window.location.pathname}`;
      await Taro.setClipboardData({ data: `${base}#${sharePath(share.path)}` });
      setToast('链接已复制，发给朋友即可阅读');
    } catch (error) {
      setToast(`分享失败：${contentProblem(error).message}`);
    } finally {
      setBusy(false);
    }
  }
  return (
    <View className="content-share">
      <Button
        className="content-share__button"
        data-testid="content-share"
        type="primary"
        fill="outline"
        block
        loading={busy}
        onClick={() => void copyLink()}
      >
        复制链接分享给朋友
      </Button>
      <Toast visible={toast !== null} content={toast ?? ''} onClose={() => setToast(null)} />
    </View>
  );
}
