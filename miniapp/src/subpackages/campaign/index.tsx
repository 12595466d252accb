import { Button } from '@nutui/nutui-react-taro';
import { Image, Text, View } from '@tarojs/components';
import Taro, { useRouter, useShareAppMessage } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { useStore } from '../../booking/useStore';
import AppError from '../../components/AppError';
import ConsentPrompt from '../../components/ConsentPrompt';
import CouponCard from '../../components/CouponCard';
import SubscribeButton from '../../components/SubscribeButton';
import { couponApi } from '../../coupons/client';
import { clinicsText, datesText } from '../../coupons/format';
import {
  claimAction,
  createCampaignLanding,
  type CampaignLandingStore,
  type LandingState,
} from '../../coupons/landing';
import { COUPONS_TAB, campaignSharePath, couponDetailPage } from '../../coupons/routes';
import { campaignEntry, type CampaignEntry } from '../../coupons/scene';
import type { CampaignLanding, Coupon, LandingCoupon } from '../../coupons/types';
import { session, useConsent, useSession } from '../../session';
import { hasAcceptedPolicy } from '../../session/consent';
import { usePageView } from '../../tracking';
import './index.scss';

export default function CampaignPage() {
  usePageView('活动页');
  const { params } = useRouter();
  const [entry] = useState(() => campaignEntry(params));
  return (
    <View className="page campaign">
      {entry ? (
        <Landing entry={entry} />
      ) : (
        <AppError title="活动不存在" message="二维码或链接里没有有效的活动编号，请重新扫码" />
      )}
    </View>
  );
}

function Landing({ entry }: { entry: CampaignEntry }) {
  const sessionState = useSession();
  const consentState = useConsent();
  const signedIn = sessionState.status === 'signed-in';
  const accepted = hasAcceptedPolicy(consentState);
  const [store] = useState(() => createCampaignLanding({ api: couponApi, entry }));
  const state = useStore(store);

  // What the campaign offers needs the customer (how many they hold, whether they may claim): once signed in.
  useEffect(() => {
    if (signedIn) void store.load();
  }, [signedIn, store]);
  // The scan attributes the customer to the campaign: reported once they accepted the privacy policy.
  useEffect(() => {
    if (signedIn && accepted) void store.reportScan();
  }, [signedIn, accepted, store]);
  useEffect(() => () => store.dispose(), [store]);

  useShareAppMessage(() => {
    const { landing } = store.getState();
    return {
      title: landing.status === 'ready' ? landing.value.title : '活动',
      path: campaignSharePath(entry.key),
    };
  });

  if (sessionState.status === 'error') {
    return <AppError title="登录失败" message={sessionState.message} onRetry={() => void session.retry()} />;
  }
  if (sessionState.status === 'erased') {
    return (
      <View className="campaign-note">
        <Text>账号已注销</Text>
      </View>
    );
  }
  const { landing } = state;
  if (landing.status === 'error') {
    return <AppError title="活动加载失败" message={landing.message} onRetry={() => void store.load()} />;
  }
  if (!signedIn || landing.status !== 'ready') {
    return (
      <View className="campaign-note app-loading">
        <Text>正在加载活动…</Text>
      </View>
    );
  }
  const value = landing.value;
  return (
    <View className="campaign-body">
      {value.imageUrl && <Image className="campaign-image" src={value.imageUrl} mode="widthFix" />}
      <View className="campaign-card campaign-intro">
        <Text className="campaign-intro__title" data-testid="landing-title">
          {value.title}
        </Text>
        <StatusNote status={value.status} />
        {value.description && <Text className="campaign-intro__description">{value.description}</Text>}
        {value.staff && (
          <View className="campaign-staff" data-testid="landing-staff">
            <View className="campaign-staff__avatar">
              <Text>{Array.from(value.staff.name)[0] ?? ''}</Text>
            </View>
            <Text className="campaign-staff__text">专属顾问 {value.staff.name} 为你服务</Text>
          </View>
        )}
      </View>
      {value.coupon && (
        <Offer
          offer={value.coupon}
          state={state}
          store={store}
          consentReady={consentState.status === 'ready'}
          accepted={accepted}
        />
      )}
    </View>
  );
}

function StatusNote({ status }: { status: CampaignLanding['status'] }) {
  if (status === 'active') return null;
  return (
    <Text className={`campaign-status campaign-status--${status}`} data-testid="landing-status">
      {status === 'ended' ? '活动已结束' : '活动未开始'}
    </Text>
  );
}

interface OfferProps {
  offer: LandingCoupon;
  state: LandingState;
  store: CampaignLandingStore;
  consentReady: boolean;
  accepted: boolean;
}

function Offer({ offer, state, store, consentReady, accepted }: OfferProps) {
  const action = claimAction(state);
  return (
    <View className="campaign-card campaign-offer">
      <Text className="campaign-offer__heading">优惠券</Text>
      <CouponCard coupon={offer} name={offer.name} dates={offer.validityText} />
      <View className="campaign-offer__facts">
        <Row label="适用门店" value={clinicsText(offer.clinicNames)} testId="landing-clinics" />
        <Row label="剩余" value={offer.remaining > 0 ? `${offer.remaining} 张` : '已领完'} testId="landing-remaining" />
        {offer.description && <Row label="使用说明" value={offer.description} />}
      </View>
      {state.claimed ? (
        <Claimed coupon={state.claimed} />
      ) : (
        offer.held > 0 && (
          <View className="campaign-held" onClick={() => void Taro.switchTab({ url: COUPONS_TAB })}>
            <Text>你已领取 {offer.held} 张，去「优惠券」查看 ›</Text>
          </View>
        )
      )}
      {!accepted
        ? consentReady && <ConsentPrompt variant="inline" />
        : action &&
          !(state.claimed && !action.enabled) && (
            <View className="campaign-claim">
              <Button
                className="campaign-claim__button"
                data-testid="claim-button"
                type="primary"
                block
                disabled={!action.enabled}
                loading={action.loading}
                onClick={() => void store.claim()}
              >
                {action.label}
              </Button>
              {action.blocked && (
                <Text className="campaign-claim__blocked" data-testid="claim-blocked">
                  {action.blocked}
                </Text>
              )}
              {action.error && (
                <Text className="campaign-claim__error" data-testid="claim-error">
                  {action.error}
                </Text>
              )}
            </View>
          )}
    </View>
  );
}

/** The coupon just claimed, with the way to its QR and to the Coupons tab. */
function Claimed({ coupon }: { coupon: Coupon }) {
  const now = Date.now();
  return (
    <View className="campaign-claimed" data-testid="claim-success">
      <Text className="campaign-claimed__title">领取成功</Text>
      <CouponCard
        coupon={coupon.template}
        name={coupon.template.name}
        dates={datesText(coupon, now)}
        state={coupon.state}
        couponId={coupon.id}
      />
      <View className="campaign-claimed__actions">
        <Button
          className="campaign-claimed__qr"
          data-testid="claimed-show-qr"
          type="primary"
          onClick={() => void Taro.navigateTo({ url: couponDetailPage(coupon.id) })}
        >
          查看券码
        </Button>
        <Button
          className="campaign-claimed__list"
          data-testid="claimed-open-coupons"
          fill="outline"
          onClick={() => void Taro.switchTab({ url: COUPONS_TAB })}
        >
          去「优惠券」查看
        </Button>
      </View>
      <SubscribeButton
        keys={['coupon_expiring']}
        label="到期前提醒我"
        onLabel="已开启到期提醒"
        testId="claimed-remind"
      />
    </View>
  );
}

function Row({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <View className="campaign-row" data-testid={testId}>
      <Text className="campaign-row__label">{label}</Text>
      <Text className="campaign-row__value">{value}</Text>
    </View>
  );
}
