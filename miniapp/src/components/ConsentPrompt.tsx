import type { ConsentState } from '@careloop/shared';
import { Button, Popup, Switch } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { errorMessage } from '../lib/errors';
import { consent, useConsent, useSession } from '../session';
import { needsPolicyAcceptance, previouslyAcceptedVersion } from '../session/consent';
import './ConsentPrompt.scss';

/** What the privacy policy says, in short; the full text is the organisation's. */
const POLICY_POINTS = [
  '我们收集：用于登录的微信身份标识，你主动提供的昵称和手机号，预约、到店与优惠券记录，以及你在小程序内浏览的页面。',
  '用途：为你提供预约、优惠与随访服务；经微信验证的手机号用于找到你在本机构已有的档案。',
  '保护：手机号加密存储，工作人员界面默认只显示部分号码，查看完整号码会被记录。',
  '你的权利：可随时在「我的」中下载你的数据、撤回营销授权，或注销账号并删除数据。',
];

interface ConsentPromptProps {
  /** `popup`: a sheet over the page on first use (can be put off); `inline`: a card in the Me page. */
  variant: 'popup' | 'inline';
  onAccepted?(consent: ConsentState): void;
}

/** Put off for this run of the app ("暂不同意"): the popup does not come back until the next launch. */
let putOff = false;

/**
 * Asks the signed-in customer to accept the current privacy policy (first use, or after the version changed),
 * with an optional, unticked marketing consent. Renders nothing when there is nothing to ask.
 */
export default function ConsentPrompt({ variant, onAccepted }: ConsentPromptProps) {
  const sessionState = useSession();
  const state = useConsent();
  const [dismissed, setDismissed] = useState(putOff);
  if (sessionState.status !== 'signed-in' || !needsPolicyAcceptance(state) || state.status !== 'ready') return null;

  const form = (
    <ConsentForm
      consent={state.consent}
      variant={variant}
      onAccepted={onAccepted}
      onPutOff={() => {
        putOff = true;
        setDismissed(true);
      }}
    />
  );
  if (variant === 'inline') return form;
  return (
    <Popup className="consent-popup" visible={!dismissed} position="bottom" round closeOnOverlayClick={false}>
      {form}
    </Popup>
  );
}

interface ConsentFormProps {
  consent: ConsentState;
  variant: ConsentPromptProps['variant'];
  onAccepted?(consent: ConsentState): void;
  onPutOff(): void;
}

function ConsentForm({ consent: current, variant, onAccepted, onPutOff }: ConsentFormProps) {
  const [marketing, setMarketing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const previous = previouslyAcceptedVersion(current);

  async function accept() {
    setBusy(true);
    setProblem(null);
    try {
      const accepted = await consent.accept(marketing);
      onAccepted?.(accepted);
    } catch (error) {
      setProblem(`提交失败：${errorMessage(error)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <View className={`consent consent--${variant}`}>
      <Text className="consent__title">{previous ? '隐私政策已更新' : '隐私政策与个人信息保护'}</Text>
      <Text className="consent__version">
        版本 {current.currentPolicyVersion}
        {previous ? `（你之前同意的是 ${previous}）` : ''}
      </Text>
      <View className="consent__points">
        {POLICY_POINTS.map((point) => (
          <Text key={point} className="consent__point">
            {point}
          </Text>
        ))}
      </View>
      <View className="consent__marketing">
        <View className="consent__marketing-text">
          <Text className="consent__marketing-title">接收优惠活动与健康资讯</Text>
          <Text className="consent__marketing-note">可选，不影响使用；可随时在「我的」中撤回</Text>
        </View>
        <Switch className="consent-marketing" checked={marketing} disabled={busy} onChange={setMarketing} />
      </View>
      {problem && <Text className="consent__problem">{problem}</Text>}
      <Button className="consent-accept" type="primary" block loading={busy} onClick={() => void accept()}>
        同意并继续
      </Button>
      {variant === 'popup' ? (
        <Button className="consent-later" fill="none" block disabled={busy} onClick={onPutOff}>
          暂不同意，仅浏览
        </Button>
      ) : (
        <Text className="consent__required">同意后才能绑定手机号、预约和领取优惠券</Text>
      )}
    </View>
  );
}
