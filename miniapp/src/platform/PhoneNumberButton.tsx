import { Button as NutButton, Dialog, Input } from '@nutui/nutui-react-taro';
import { Button, Text, View } from '@tarojs/components';
import { useState, type ReactNode } from 'react';
import { errorMessage } from '../lib/errors';
import { platform } from './index';
import { isMainlandMobile, phoneCodeFromDetail } from './phone';
import type { PhoneCodeResult } from './types';
import './PhoneNumberButton.scss';

export interface PhoneNumberButtonProps {
  className?: string;
  /** Not clickable (e.g. the privacy policy is not accepted yet, or a verification is under way). */
  disabled?: boolean;
  loading?: boolean;
  children: ReactNode;
  /** A getPhoneNumber code for `POST /api/mp/me/phone`, or that the user refused, or why it failed. */
  onResult(result: PhoneCodeResult): void;
}

/**
 * The getPhoneNumber part of the platform adapter. WeChat hands out a phone code only from its own button
 * (`open-type="getPhoneNumber"`), after the user confirms the number in WeChat's sheet. Outside WeChat (the H5
 * build on the sandbox) a dialog emulates that sheet and gets the code from the sandbox.
 */
export default function PhoneNumberButton(props: PhoneNumberButtonProps) {
  return process.env.TARO_ENV === 'weapp' ? <WechatPhoneButton {...props} /> : <SandboxPhoneButton {...props} />;
}

function WechatPhoneButton({ className, disabled, loading, children, onResult }: PhoneNumberButtonProps) {
  return (
    <Button
      className={`phone-button ${className ?? ''}`}
      openType="getPhoneNumber"
      size="mini"
      disabled={disabled || loading}
      loading={loading}
      onGetPhoneNumber={(event) => onResult(phoneCodeFromDetail(event.detail))}
    >
      {children}
    </Button>
  );
}

function SandboxPhoneButton({ className, disabled, loading, children, onResult }: PhoneNumberButtonProps) {
  const [open, setOpen] = useState(false);
  const [phone, setPhone] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function show() {
    if (!platform.sandboxPhoneCode) {
      onResult({ ok: false, reason: 'failed', message: '网页版无法获取微信手机号，请在微信小程序中绑定' });
      return;
    }
    setPhone(''); // WeChat would show the number bound to the account; the sandbox account has none: type one
    setProblem(null);
    setOpen(true);
  }

  async function allow() {
    if (!isMainlandMobile(phone)) {
      setProblem('请输入 11 位手机号');
      return;
    }
    setBusy(true);
    try {
      const code = await platform.sandboxPhoneCode!(phone);
      setOpen(false);
      onResult({ ok: true, code });
    } catch (error) {
      setProblem(`模拟微信未能返回手机号：${errorMessage(error)}`);
    } finally {
      setBusy(false);
    }
  }

  function refuse() {
    setOpen(false);
    onResult({ ok: false, reason: 'refused' });
  }

  return (
    <>
      <NutButton
        className={`phone-button ${className ?? ''}`}
        type="primary"
        size="small"
        disabled={disabled || loading}
        loading={loading}
        onClick={show}
      >
        {children}
      </NutButton>
      <Dialog
        className="sandbox-phone-dialog"
        visible={open}
        title="CareLoop 申请获取你的手机号"
        closeOnOverlayClick={false}
        onClose={refuse}
        footer={
          <View className="sandbox-phone-dialog__actions">
            <NutButton className="sandbox-phone-deny" disabled={busy} onClick={refuse}>
              拒绝
            </NutButton>
            <NutButton className="sandbox-phone-allow" type="primary" loading={busy} onClick={() => void allow()}>
              允许
            </NutButton>
          </View>
        }
      >
        <View className="sandbox-phone-dialog__body">
          <Text className="sandbox-phone-dialog__note">
            沙箱模拟微信的手机号授权：真实微信会列出你绑定的手机号供你确认，这里请输入要模拟的号码。
          </Text>
          <Input
            className="sandbox-phone-dialog__field"
            type="tel"
            maxLength={13}
            // H5 only: the class goes on the real <input> inside Taro's input element, so tests can fill it.
            nativeProps={{ class: 'weui-input sandbox-phone-input' }}
            placeholder="手机号"
            value={phone}
            onChange={(value) => {
              setPhone(value);
              setProblem(null);
            }}
          />
          {problem && <Text className="sandbox-phone-dialog__problem">{problem}</Text>}
        </View>
      </Dialog>
    </>
  );
}
