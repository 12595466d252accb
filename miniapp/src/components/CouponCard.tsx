import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import { benefitText, conditionText, valueText } from '../coupons/format';
import { couponStateLabel } from '../coupons/status';
import type { CouponState, LandingCoupon } from '../coupons/types';
import './CouponCard.scss';

type CouponFace = Pick<LandingCoupon, 'kind' | 'amountOffFen' | 'percentOff' | 'giftDescription' | 'minSpendFen'>;

interface CouponCardProps {
  coupon: CouponFace;
  name: string;
  /** The dates line: until when it can be used, or when it was used. */
  dates?: string;
  /** The state badge (left out on the landing page's offer). */
  state?: CouponState;
  /** Buttons at the bottom right. */
  action?: ReactNode;
  couponId?: string;
  onClick?: () => void;
}

/** A coupon as a ticket: its value on the left (¥50, 8.5折), its name, what it does and its dates on the right. */
export default function CouponCard({ coupon, name, dates, state, action, couponId, onClick }: CouponCardProps) {
  const usable = state === undefined || state === 'claimed';
  return (
    <View
      className={`coupon-card ${usable ? '' : 'coupon-card--used'}`}
      data-testid="coupon-card"
      data-coupon-id={couponId}
      onClick={onClick}
    >
      <View className="coupon-card__value">
        <Text className="coupon-card__amount" data-testid="coupon-value">
          {valueText(coupon)}
        </Text>
        <Text className="coupon-card__condition">{conditionText(coupon)}</Text>
      </View>
      <View className="coupon-card__body">
        <View className="coupon-card__top">
          <Text className="coupon-card__name">{name}</Text>
          {state && <CouponStateBadge state={state} />}
        </View>
        <Text className="coupon-card__benefit">{benefitText(coupon)}</Text>
        {dates && <Text className="coupon-card__dates">{dates}</Text>}
        {action && <View className="coupon-card__action">{action}</View>}
      </View>
    </View>
  );
}

export function CouponStateBadge({ state }: { state: CouponState }) {
  return (
    <Text className={`coupon-state coupon-state--${state}`} data-testid="coupon-state" data-state={state}>
      {couponStateLabel(state)}
    </Text>
  );
}
