import type { CustomerProfile } from '@careloop/shared';
import { Button, Cell, CellGroup, Input, Toast } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import AppError from '../../components/AppError';
import { errorMessage } from '../../lib/errors';
import { displayName, kindLabel, shortId } from '../../lib/format';
import { validateNickname } from '../../lib/nickname';
import { session, useSession } from '../../session';
import './index.scss';

interface ToastState {
  visible: boolean;
  content: string;
  kind: 'success' | 'fail';
}

export default function Me() {
  const state = useSession();
  return (
    <View className="page me">
      {state.status === 'signed-in' ? (
        <Profile customer={state.customer} />
      ) : state.status === 'error' ? (
        <AppError title="登录失败" message={state.message} onRetry={() => void session.retry()} />
      ) : (
        <View className="me-loading app-loading">
          <Text>正在登录…</Text>
        </View>
      )}
    </View>
  );
}

function Profile({ customer }: { customer: CustomerProfile }) {
  const [nickname, setNickname] = useState(customer.name ?? '');
  const [saving, setSaving] = useState(false);
  const [toast, setToast] = useState<ToastState>({ visible: false, content: '', kind: 'success' });

  async function save() {
    const check = validateNickname(nickname);
    if (!check.ok) {
      setToast({ visible: true, content: check.message, kind: 'fail' });
      return;
    }
    setSaving(true);
    try {
      const updated = await session.updateName(check.value);
      setNickname(updated.name ?? '');
      setToast({ visible: true, content: '昵称已保存', kind: 'success' });
    } catch (error) {
      setToast({ visible: true, content: `保存失败：${errorMessage(error)}`, kind: 'fail' });
    } finally {
      setSaving(false);
    }
  }

  return (
    <View className="me-profile">
      <CellGroup>
        <Cell title="昵称" extra={<Text className="me-name">{displayName(customer)}</Text>} />
        <Cell title="身份" extra={<Text className="me-kind">{kindLabel(customer.kind)}</Text>} />
        <Cell title="用户编号" extra={<Text className="me-id">{shortId(customer.id)}</Text>} />
      </CellGroup>

      <View className="me-nickname">
        <Text className="me-nickname__label">设置昵称</Text>
        <Input
          className="me-nickname__field"
          // In WeChat, type="nickname" offers the user's WeChat nickname above the keyboard.
          type={process.env.TARO_ENV === 'weapp' ? 'nickname' : 'text'}
          // H5 only: the class goes on the real <input> inside Taro's input element, so tests can fill it.
          nativeProps={{ class: 'weui-input me-nickname-input' }}
          placeholder="请输入昵称"
          value={nickname}
          onChange={setNickname}
        />
        <Button className="me-save" type="primary" block loading={saving} disabled={saving} onClick={() => void save()}>
          保存昵称
        </Button>
      </View>

      <Toast
        className="me-toast"
        visible={toast.visible}
        content={toast.content}
        contentClassName={`me-toast--${toast.kind}`}
        onClose={() => setToast((current) => ({ ...current, visible: false }))}
      />
    </View>
  );
}
