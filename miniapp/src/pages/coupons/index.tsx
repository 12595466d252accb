import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import AppError from '../../components/AppError';
import ConsentPrompt from '../../components/ConsentPrompt';
import CouponCard from '../../components/CouponCard';
import { couponApi } from '../../coupons/client';
import { datesText } from '../../coupons/format';
import { couponDetailPage } from '../../coupons/routes';
import { COUPON_TABS, groupCoupons, shownState } from '../../coupons/status';
import type { Coupon, CouponState, Loadable } from '../../coupons/types';
import { errorMessage } from '../../lib/errors';
import { session, useConsent, useSession } from '../../session';
import { hasAcceptedPolicy } from '../../session/consent';
import { usePageView } from '../../tracking';
import './index.scss';

const EMPTY: Record<CouponState, string> = {
  claimed: '暂无可使用的优惠券，扫描门店海报或顾问名片上的二维码即可领取',
  redeemed: '还没有使用过的优惠券',
  expired: '没有已过期的优惠券',
  revoked: '没有已作废的优惠券',
};

export default function Coupons() {
  usePageView('优惠券');
  const sessionState = useSession();
  const consentState = useConsent();
  const signedIn = sessionState.status === 'signed-in';
  const accepted = hasAcceptedPolicy(consentState);
  const ready = signedIn && accepted;
  const [list, setList] = useState<Loadable<Coupon[]>>({ status: 'idle' });
  const [tab, setTab] = useState<CouponState>('claimed');
  const loading = useRef(false);

  const load = useCallback(async () => {
    if (loading.current) return;
    loading.current = true;
    setList((current) => (current.status === 'ready' ? current : { status: 'loading' }));
    try {
      setList({ status: 'ready', value: await couponApi.coupons() });
    } catch (error) {
      setList({ status: 'error', message: errorMessage(error) });
    } finally {
      loading.current = false;
    }
  }, []);

  // Signed in and consented: load; and each time the tab is shown again (a coupon claimed or redeemed meanwhile).
  useEffect(() => {
    if (ready) void load();
  }, [ready, load]);
  useDidShow(() => {
    if (ready) void load();
  });
  usePullDownRefresh(() => {
    void (ready ? load() : Promise.resolve()).finally(() => Taro.stopPullDownRefresh());
  });

  return (
    <View className="page coupons">
      <View className="coupons-hero">
        <Text className="coupons-hero__title">我的优惠券</Text>
        <Text className="coupons-hero__subtitle">到店消费时出示券码，由工作人员扫码核销</Text>
      </View>

      {sessionState.status === 'error' ? (
        <AppError title="登录失败" message={sessionState.message} onRetry={() => void session.retry()} />
      ) : !signedIn || consentState.status === 'loading' || consentState.status === 'unknown' ? (
        <View className="coupons-note app-loading">
          <Text>正在加载…</Text>
        </View>
      ) : !accepted ? (
        <View className="coupons-consent">
          <ConsentPrompt variant="inline" />
        </View>
      ) : (
        <CouponList list={list} tab={tab} onTab={setTab} onRetry={() => void load()} />
      )}
    </View>
  );
}

interface CouponListProps {
  list: Loadable<Coupon[]>;
  tab: CouponState;
  onTab(state: CouponState): void;
  onRetry(): void;
}

function CouponList({ list, tab, onTab, onRetry }: CouponListProps) {
  if (list.status === 'error') return <AppError title="优惠券加载失败" message={list.message} onRetry={onRetry} />;
  if (list.status !== 'ready') {
    return (
      <View className="coupons-note app-loading">
        <Text>正在加载优惠券…</Text>
      </View>
    );
  }
  const now = Date.now();
  const groups = groupCoupons(list.value, now);
  const shown = groups[tab];
  return (
    <View className="coupons-body">
      <View className="coupons-tabs">
        {COUPON_TABS.map(({ state, title }) => (
          <View
            key={state}
            className={`coupons-tab ${state === tab ? 'coupons-tab--active' : ''}`}
            data-testid={`coupon-tab-${state}`}
            onClick={() => onTab(state)}
          >
            <Text>
              {title}
              {groups[state].length > 0 ? ` ${groups[state].length}` : ''}
            </Text>
          </View>
        ))}
      </View>
      {shown.length === 0 ? (
        <View className="coupons-note coupons-empty">
          <Text>{EMPTY[tab]}</Text>
        </View>
      ) : (
        <View className="coupons-list">
          {shown.map((coupon) => (
            <CouponItem key={coupon.id} coupon={coupon} now={now} />
          ))}
        </View>
      )}
    </View>
  );
}

function CouponItem({ coupon, now }: { coupon: Coupon; now: number }) {
  const state = shownState(coupon, now);
  const open = () => void Taro.navigateTo({ url: couponDetailPage(coupon.id) });
  return (
    <CouponCard
      coupon={coupon.template}
      name={coupon.template.name}
      dates={datesText(coupon, now)}
      state={state}
      couponId={coupon.id}
      onClick={open}
      action={
        state === 'claimed' && (
          <Button
            className="coupon-show-qr"
            data-testid="coupon-show-qr"
            type="primary"
            size="small"
            onClick={(event) => {
              event.stopPropagation(); // the card would open the same page a second time
              open();
            }}
          >
            出示券码
          </Button>
        )
      }
    />
  );
}
