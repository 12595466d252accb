import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import AppError from '../../../components/AppError';
import ConsentPrompt from '../../../components/ConsentPrompt';
import { consent, session, useConsent, useSession } from '../../../session';
import { hasAcceptedPolicy } from '../../../session/consent';

/** Booking is personal: it needs a signed-in customer who accepted the privacy policy. Until then, say so. */
export default function Gate({ children }: { children: ReactNode }) {
  const sessionState = useSession();
  const consentState = useConsent();
  if (sessionState.status === 'error') {
    return <AppError title="登录失败" message={sessionState.message} onRetry={() => void session.retry()} />;
  }
  if (sessionState.status === 'erased') {
    return (
      <View className="booking-note">
        <Text>账号已注销</Text>
      </View>
    );
  }
  if (sessionState.status !== 'signed-in' || consentState.status === 'unknown' || consentState.status === 'loading') {
    return (
      <View className="booking-note app-loading">
        <Text>正在加载…</Text>
      </View>
    );
  }
  if (consentState.status === 'error') {
    return <AppError message={consentState.message} onRetry={() => void consent.load()} />;
  }
  if (!hasAcceptedPolicy(consentState)) {
    return (
      <View className="booking-consent">
        <ConsentPrompt variant="inline" />
      </View>
    );
  }
  return <>{children}</>;
}
