import { Text, View } from '@tarojs/components';
import { displayName, kindLabel } from '../lib/format';
import { session, useSession } from '../session';
import AppError from './AppError';
import './SessionStatus.scss';

/** Who is signed in, or that sign-in is under way, or why it failed. */
export default function SessionStatus() {
  const state = useSession();
  switch (state.status) {
    case 'idle':
    case 'signing-in':
      return (
        <View className="session-status session-status--loading app-loading">
          <Text>正在登录…</Text>
        </View>
      );
    case 'error':
      return <AppError title="登录失败" message={state.message} onRetry={() => void session.retry()} />;
    case 'erased':
      return (
        <View className="session-status session-status--erased">
          <Text className="session-status__name">你的数据已删除，账号已注销</Text>
        </View>
      );
    case 'signed-in':
      return (
        <View className="session-status session-status--signed-in">
          <Text className="session-status__label">已登录</Text>
          <Text className="session-status__name">{displayName(state.customer)}</Text>
          <Text className="session-status__kind">{kindLabel(state.customer.kind)}</Text>
        </View>
      );
  }
}
