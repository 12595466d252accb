import { Toast } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import { useDidHide, useDidShow, useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { bookingApi } from '../../../../booking/client';
import { useStore } from '../../../../booking/useStore';
import AppError from '../../../../components/AppError';
import CouponCard from '../../../../components/CouponCard';
import Gate from '../../../../components/Gate';
import QrCode from '../../../../components/QrCode';
import { couponApi } from '../../../../coupons/client';
import { createCouponDetail, type CouponDetail } from '../../../../coupons/detail';
import { clinicsText, codeText, conditionText, dateText, dateTimeText, datesText } from '../../../../coupons/format';
import { notYetValid, shownState, showsQr } from '../../../../coupons/status';
import type { Coupon } from '../../../../coupons/types';
import { usePageView } from '../../../../tracking';
import './index.scss';

export default function CouponDetailPage() {
  usePageView('优惠券详情');
  const { params } = useRouter();
  const id = params.id ?? '';
  return (
    <View className="page coupon-detail">
      <Gate>{id ? <Detail id={id} /> : <AppError title="找不到这张优惠券" message="链接缺少优惠券编号" />}</Gate>
    </View>
  );
}

function Detail({ id }: { id: string }) {
  const [detail] = useState(() => createCouponDetail({ api: couponApi, clinics: () => bookingApi.clinics(), id }));
  const state = useStore(detail);
  useEffect(() => {
    void detail.load();
    detail.startPolling();
    return () => detail.dispose();
  }, [detail]);
  // Shown again (back from another page, WeChat back in front): ask at once, then keep asking while usable.
  useDidShow(() => {
    void detail.load();
    detail.startPolling();
  });
  useDidHide(() => detail.stopPolling());

  const { coupon } = state;
  if (coupon.status === 'error') {
    return <AppError title="优惠券加载失败" message={coupon.message} onRetry={() => void detail.load()} />;
  }
  if (coupon.status !== 'ready') return <Text className="gate-note app-loading">正在加载优惠券…</Text>;
  const value = coupon.value;
  const now = Date.now();

  return (
    <View className="coupon-detail__body">
      <CouponCard
        coupon={value.template}
        name={value.template.name}
        dates={datesText(value, now)}
        state={shownState(value, now)}
        couponId={value.id}
      />
      {showsQr(value, now) && <CouponQr coupon={value} now={now} />}
      {value.state === 'redeemed' && value.redemption && <Redemption redemption={value.redemption} />}
      <Facts coupon={value} clinicNames={state.clinicNames} />
      <ChangedToast detail={detail} changedTo={state.changed?.to ?? null} />
    </View>
  );
}

function CouponQr({ coupon, now }: { coupon: Coupon; now: number }) {
  return (
    <View className="coupon-detail__card coupon-detail__qr">
      <View data-testid="coupon-qr" data-code={coupon.code}>
        <QrCode className="coupon-qr" text={coupon.code} />
      </View>
      <Text className="coupon-detail__hint">
        {notYetValid(coupon, now)
          ? `${dateText(coupon.validFrom)} 起可用，届时向工作人员出示此二维码`
          : '到店消费时向工作人员出示此二维码'}
      </Text>
      <Text className="coupon-detail__code" data-testid="coupon-code">
        券码 {codeText(coupon.code)}
      </Text>
    </View>
  );
}

function Redemption({ redemption }: { redemption: NonNullable<Coupon['redemption']> }) {
  return (
    <View className="coupon-detail__card coupon-detail__redeemed" data-testid="coupon-redemption">
      <Text className="coupon-detail__redeemed-title">已核销</Text>
      <Row label="核销门店" value={redemption.clinic.name} />
      <Row label="核销时间" value={dateTimeText(redemption.at)} />
    </View>
  );
}

function Facts({ coupon, clinicNames }: { coupon: Coupon; clinicNames: string[] | null }) {
  const { template } = coupon;
  return (
    <View className="coupon-detail__card coupon-detail__facts">
      {clinicNames !== null && <Row label="适用门店" value={clinicsText(clinicNames)} testId="coupon-clinics" />}
      <Row label="使用条件" value={conditionText(template)} />
      <Row label="有效期" value={`${dateTimeText(coupon.validFrom)} 至 ${dateTimeText(coupon.expiresAt)}`} />
      <Row label="领取时间" value={dateTimeText(coupon.claimedAt)} />
      <Row label="叠加使用" value={template.stackable ? '可与其他优惠同时使用' : '不可与其他优惠同时使用'} />
      {template.description && <Row label="使用说明" value={template.description} />}
    </View>
  );
}

function Row({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <View className="coupon-detail__row" data-testid={testId}>
      <Text className="coupon-detail__label">{label}</Text>
      <Text className="coupon-detail__value">{value}</Text>
    </View>
  );
}

const CHANGED: Partial<Record<Coupon['state'], string>> = {
  redeemed: '已核销，感谢光临',
  expired: '这张优惠券已过期',
  revoked: '这张优惠券已作废',
  claimed: '核销已撤销，优惠券可继续使用',
};

/** Says once that the coupon changed while shown (staff redeemed it at the counter). */
function ChangedToast({ detail, changedTo }: { detail: CouponDetail; changedTo: Coupon['state'] | null }) {
  const text = changedTo ? CHANGED[changedTo] : undefined;
  return (
    <Toast
      className="coupon-changed"
      visible={Boolean(text)}
      content={text ?? ''}
      icon={changedTo === 'redeemed' ? 'success' : undefined}
      onClose={() => detail.clearChanged()}
    />
  );
}
