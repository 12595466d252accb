import type { ConsentState, CustomerProfile, ErasureResult } from '@careloop/shared';
import { Button, Cell, CellGroup, Dialog, Input, Toast } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import AppError from '../../components/AppError';
import ConsentPrompt from '../../components/ConsentPrompt';
import MessageReminders from '../../components/MessageReminders';
import { errorMessage } from '../../lib/errors';
import { displayName, kindLabel, shortId } from '../../lib/format';
import { validateNickname } from '../../lib/nickname';
import { MY_MEETINGS_PAGE } from '../../meetings/routes';
import { phoneErrorMessage, phoneRefusalMessage } from '../../lib/phone';
import {
  erasureLabel,
  exportFilename,
  formatBytes,
  formatDateTime,
  summariseExport,
  type ExportSectionSummary,
} from '../../lib/privacy';
import { platform } from '../../platform';
import PhoneNumberButton from '../../platform/PhoneNumberButton';
import type { PhoneCodeResult } from '../../platform/types';
import { consent, session, useConsent, useSession, type ConsentStoreState } from '../../session';
import { hasAcceptedPolicy, marketingGranted } from '../../session/consent';
import { usePageView } from '../../tracking';
import './index.scss';

interface ToastState {
  visible: boolean;
  content: string;
  kind: 'success' | 'fail';
}

type Notify = (content: string, kind: ToastState['kind']) => void;

export default function Me() {
  usePageView('我的');
  const state = useSession();
  return (
    <View className="page me">
      {state.status === 'signed-in' ? (
        <Profile customer={state.customer} />
      ) : state.status === 'erased' ? (
        <Erased result={state.result} />
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
  const consentState = useConsent();
  const [toast, setToast] = useState<ToastState>({ visible: false, content: '', kind: 'success' });
  const notify: Notify = (content, kind) => setToast({ visible: true, content, kind });

  return (
    <View className="me-profile">
      <CellGroup>
        <Cell title="昵称" extra={<Text className="me-name">{displayName(customer)}</Text>} />
        <Cell title="身份" extra={<Text className="me-kind">{kindLabel(customer.kind)}</Text>} />
        <Cell title="用户编号" extra={<Text className="me-id">{shortId(customer.id)}</Text>} />
        <Cell
          title="手机号"
          extra={<PhoneRow customer={customer} canLink={hasAcceptedPolicy(consentState)} notify={notify} />}
        />
      </CellGroup>
      <View className="me-meetings" data-testid="me-meetings">
        <CellGroup>
          <Cell
            title="我的会议"
            description="报名的会议、签到码与会后问卷"
            extra={<Text className="me-meetings__arrow">›</Text>}
            onClick={() => void Taro.navigateTo({ url: MY_MEETINGS_PAGE })}
          />
        </CellGroup>
      </View>

      <ConsentPrompt variant="inline" onAccepted={() => notify('已同意隐私政策', 'success')} />
      <PrivacySection state={consentState} notify={notify} />
      <MessageReminders notify={notify} />
      <Nickname customer={customer} notify={notify} />
      <MyData notify={notify} />

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

/** The masked phone with its "verified" badge, or the button that links one through WeChat's getPhoneNumber. */
function PhoneRow({ customer, canLink, notify }: { customer: CustomerProfile; canLink: boolean; notify: Notify }) {
  const [verifying, setVerifying] = useState(false);
  const phone = customer.phone;

  async function onResult(result: PhoneCodeResult) {
    const refusal = phoneRefusalMessage(result);
    if (refusal !== null || !result.ok) {
      notify(refusal ?? '未获取到手机号', 'fail');
      return;
    }
    setVerifying(true);
    try {
      await session.verifyPhone(result.code);
      notify('手机号已验证', 'success');
    } catch (error) {
      notify(`绑定失败：${phoneErrorMessage(error)}`, 'fail');
    } finally {
      setVerifying(false);
    }
  }

  return (
    <View className="me-phone-row">
      {phone && <Text className="me-phone">{phone.masked}</Text>}
      {phone?.verified ? (
        <Text className="me-phone-verified">已验证</Text>
      ) : (
        <PhoneNumberButton
          className="me-link-phone"
          disabled={!canLink}
          loading={verifying}
          onResult={(result) => void onResult(result)}
        >
          {phone ? '验证手机号' : '绑定手机号'}
        </PhoneNumberButton>
      )}
    </View>
  );
}

/** The accepted policy version and the marketing consent, with a one-tap withdrawal. */
function PrivacySection({ state, notify }: { state: ConsentStoreState; notify: Notify }) {
  const [busy, setBusy] = useState(false);

  if (state.status === 'error') {
    return (
      <View className="me-section me-privacy">
        <Text className="me-section__title">隐私与授权</Text>
        <Text className="me-section__note">授权状态加载失败：{state.message}</Text>
        <Button className="me-privacy-retry" size="small" onClick={() => void consent.load()}>
          重试
        </Button>
      </View>
    );
  }
  if (state.status !== 'ready') {
    return (
      <View className="me-section me-privacy">
        <Text className="me-section__title">隐私与授权</Text>
        <Text className="me-section__note">正在加载…</Text>
      </View>
    );
  }
  // Not accepted yet (or an older version): the consent card above asks.
  if (!state.consent.policyUpToDate || !state.consent.policy) return null;

  const { policy } = state.consent;
  const granted = marketingGranted(state.consent);

  async function change(action: () => Promise<ConsentState>, done: string) {
    setBusy(true);
    try {
      await action();
      notify(done, 'success');
    } catch (error) {
      notify(`操作失败：${errorMessage(error)}`, 'fail');
    } finally {
      setBusy(false);
    }
  }

  return (
    <View className="me-section me-privacy">
      <Text className="me-section__title">隐私与授权</Text>
      <View className="me-privacy__row">
        <View className="me-privacy__text">
          <Text className="me-privacy__label">隐私政策</Text>
          <Text className="me-privacy__detail">{formatDateTime(policy.acceptedAt)} 同意</Text>
        </View>
        <Text className="me-policy">已同意 · 版本 {policy.version}</Text>
      </View>
      <View className="me-privacy__row">
        <View className="me-privacy__text">
          <Text className="me-privacy__label">优惠活动与健康资讯</Text>
          <Text className={`me-marketing me-marketing--${granted ? 'granted' : 'withdrawn'}`}>
            {granted ? '已同意接收' : '未同意接收'}
          </Text>
        </View>
        {granted ? (
          <Button
            className="me-withdraw-marketing"
            size="small"
            fill="outline"
            loading={busy}
            onClick={() => void change(() => consent.withdrawMarketing(), '已撤回营销授权，即时生效')}
          >
            撤回营销授权
          </Button>
        ) : (
          <Button
            className="me-grant-marketing"
            size="small"
            fill="outline"
            loading={busy}
            onClick={() => void change(() => consent.accept(true), '已同意接收优惠活动与健康资讯')}
          >
            同意接收
          </Button>
        )}
      </View>
    </View>
  );
}

function Nickname({ customer, notify }: { customer: CustomerProfile; notify: Notify }) {
  const [nickname, setNickname] = useState(customer.name ?? '');
  const [saving, setSaving] = useState(false);

  async function save() {
    const check = validateNickname(nickname);
    if (!check.ok) {
      notify(check.message, 'fail');
      return;
    }
    setSaving(true);
    try {
      const updated = await session.updateName(check.value);
      setNickname(updated.name ?? '');
      notify('昵称已保存', 'success');
    } catch (error) {
      notify(`保存失败：${errorMessage(error)}`, 'fail');
    } finally {
      setSaving(false);
    }
  }

  return (
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
  );
}

/** "My data": download everything held about me; erase my account and data. */
function MyData({ notify }: { notify: Notify }) {
  const [exporting, setExporting] = useState(false);
  const [summary, setSummary] = useState<{ generatedAt: string; sections: ExportSectionSummary[] } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [erasing, setErasing] = useState(false);

  async function exportData() {
    setExporting(true);
    try {
      const data = await session.exportData();
      const json = JSON.stringify(data, null, 2);
      const delivery = await platform.deliverExport(json, exportFilename(data.generatedAt));
      setSummary({ generatedAt: data.generatedAt, sections: summariseExport(data) });
      notify(
        delivery.kind === 'downloaded'
          ? `已下载 ${delivery.filename}`
          : `已复制到剪贴板（${formatBytes(delivery.bytes)}），可粘贴保存`,
        'success',
      );
    } catch (error) {
      notify(`导出失败：${errorMessage(error)}`, 'fail');
    } finally {
      setExporting(false);
    }
  }

  async function erase() {
    setErasing(true);
    try {
      await session.erase(); // the page then shows the erased state
    } catch (error) {
      setErasing(false);
      setConfirming(false);
      notify(`删除失败：${errorMessage(error)}`, 'fail');
    }
  }

  return (
    <View className="me-section me-data">
      <Text className="me-section__title">我的数据</Text>
      <Text className="me-section__note">你可以随时下载我们保存的关于你的全部数据，或注销账号并删除你的数据。</Text>
      <Button className="me-export" block fill="outline" loading={exporting} onClick={() => void exportData()}>
        下载我的数据
      </Button>
      {summary && (
        <View className="me-export-summary">
          <Text className="me-export-summary__title">导出于 {formatDateTime(summary.generatedAt)}，包含：</Text>
          {summary.sections.map((section) => (
            <View key={section.name} className="me-export-summary__row">
              <Text>{section.label}</Text>
              <Text className="me-export-summary__detail">{section.detail}</Text>
            </View>
          ))}
        </View>
      )}
      <Button className="me-erase" block type="danger" fill="outline" onClick={() => setConfirming(true)}>
        注销账号并删除我的数据
      </Button>

      <Dialog
        className="me-erase-dialog"
        visible={confirming}
        title="注销账号并删除数据？"
        closeOnOverlayClick={false}
        onClose={() => setConfirming(false)}
        footer={
          <View className="me-erase-dialog__actions">
            <Button className="me-erase-cancel" disabled={erasing} onClick={() => setConfirming(false)}>
              取消
            </Button>
            <Button className="me-erase-confirm" type="danger" loading={erasing} onClick={() => void erase()}>
              确认删除
            </Button>
          </View>
        }
      >
        <View className="me-erase-dialog__body">
          <Text>将删除：你的昵称、手机号、微信身份关联、标签，以及行为记录中的详细内容。</Text>
          <Text>会保留：不含个人信息的统计（例如某天的预约数量），以及你的授权记录（作为合规凭证）。</Text>
          <Text className="me-erase-dialog__warning">
            此操作无法撤销。你将退出登录，再次使用时会是一个新的空白账号。
          </Text>
        </View>
      </Dialog>
    </View>
  );
}

/** After an erasure: what happened, and a way to start again as a new customer. */
function Erased({ result }: { result: ErasureResult }) {
  const [restarting, setRestarting] = useState(false);
  useEffect(() => {
    // The erase button was far down the page: show this from the top.
    Taro.pageScrollTo({ scrollTop: 0, duration: 0 }).catch(() => undefined);
  }, []);
  return (
    <View className="me-erased">
      <Text className="me-erased__title">你的数据已删除</Text>
      <Text className="me-erased__text">账号已注销，本机已退出登录。</Text>
      {result.erased.length > 0 && (
        <View className="me-erased__list">
          {result.erased.map((name) => (
            <Text key={name} className="me-erased__item">
              {erasureLabel(name)}
            </Text>
          ))}
        </View>
      )}
      <Text className="me-erased__text">
        {result.status === 'completed' && result.completedAt
          ? `完成于 ${formatDateTime(result.completedAt)}`
          : '删除仍在进行，服务器会自动完成'}
      </Text>
      <Button
        className="me-restart"
        type="primary"
        loading={restarting}
        onClick={() => {
          setRestarting(true);
          void session.restart().finally(() => setRestarting(false));
        }}
      >
        重新开始使用
      </Button>
    </View>
  );
}
