import { Button, Popup } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { formatFen } from '../booking/format';
import { sandboxPaySheet } from './h5';
import './SandboxPaySheet.scss';

/**
 * The emulated WeChat Pay sheet of the H5 build (`platform.requestPayment` opens it). Put it on every page that
 * takes a payment; in WeChat it draws nothing, since WeChat shows its own sheet.
 */
export default function SandboxPaySheet() {
  return process.env.TARO_ENV === 'h5' ? <EmulatedPaySheet /> : null;
}

function EmulatedPaySheet() {
  const [host, setHost] = useState<number | null>(null);
  useEffect(() => {
    const id = sandboxPaySheet.attach();
    setHost(id);
    return () => sandboxPaySheet.detach(id);
  }, []);
  const state = useSyncExternalStore(sandboxPaySheet.subscribe, sandboxPaySheet.getState, sandboxPaySheet.getState);
  const sheet = host !== null && state.activeHost === host ? state.sheet : null;

  return (
    <Popup
      className="sandbox-pay-sheet"
      visible={sheet !== null}
      position="bottom"
      round
      closeOnOverlayClick={false}
      onClose={() => sandboxPaySheet.cancel()}
    >
      {sheet && (
        <View className="sandbox-pay">
          <View className="sandbox-pay__header">
            <Text className="sandbox-pay__close" onClick={() => sandboxPaySheet.cancel()}>
              ✕
            </Text>
            <Text className="sandbox-pay__brand">微信支付 · 沙箱</Text>
          </View>
          <Text className="sandbox-pay__description">{sheet.order.description}</Text>
          <Text className="sandbox-pay__amount">{formatFen(sheet.order.amountFen)}</Text>
          <View className="sandbox-pay__row">
            <Text className="sandbox-pay__label">付款方式</Text>
            <Text className="sandbox-pay__value">零钱（模拟）</Text>
          </View>
          <Button
            className="sandbox-pay-confirm"
            type="primary"
            block
            loading={sheet.paying}
            onClick={() => void sandboxPaySheet.confirm()}
          >
            确认支付
          </Button>
          <Button
            className="sandbox-pay-cancel"
            fill="none"
            block
            disabled={sheet.paying}
            onClick={() => sandboxPaySheet.cancel()}
          >
            取消
          </Button>
          <Text className="sandbox-pay__note">沙箱环境模拟的微信支付，不会产生真实扣款</Text>
        </View>
      )}
    </Popup>
  );
}
