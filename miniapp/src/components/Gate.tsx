import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import { consent, session, useConsent, useSession } from '../session';
import { hasAcceptedPolicy } from '../session/consent';
import AppError from './AppError';
import ConsentPrompt from './ConsentPrompt';
import './Gate.scss';

/**
 * Personal pages (booking, my coupons) need a signed-in customer who accepted the privacy policy. Until then, say
 * so (and ask for the policy in the page).
 */
export default function Gate({ children }: { children: ReactNode }) {
  const sessionState = useSession();
  const consentState = useConsent();
  if (sessionState.status === 'error') {
    return <AppError title="登录失败" message={sessionState.message} onRetry={() => void session.retry()} />;
  }
  if (sessionState.status === 'erased') {
    return (
      <View className="gate-note">
        <Text>账号已注销</Text>
      </View>
    );
  }
  if (sessionState.status !== 'signed-in' || consentState.status === 'unknown' || consentState.status === 'loading') {
    return (
      <View className="gate-note app-loading">
        <Text>正在加载…</Text>
      </View>
    );
  }
  if (consentState.status === 'error') {
    return <AppError message={consentState.message} onRetry={() => void consent.load()} />;
  }
  if (!hasAcceptedPolicy(consentState)) {
    return (
      <View className="gate-consent">
        <ConsentPrompt variant="inline" />
      </View>
    );
  }
  return <>{children}</>;
}
