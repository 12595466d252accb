import type { SubscribeTemplateKey } from '@careloop/shared/subscribe-templates';
import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { platform } from '../platform';
import { session } from '../session';
import { askForTemplates, templateIdsFor } from '../subscriptions';
import { useSubscribeTemplates } from '../subscriptions/useSubscribeTemplates';
import './SubscribeButton.scss';

interface SubscribeButtonProps {
  /** The templates asked for in one dialog (at most 3); the first is the one the button is about. */
  keys: readonly SubscribeTemplateKey[];
  label: string;
  /** Shown once the first template was allowed. */
  onLabel: string;
  testId?: string;
}

/**
 * Asks for subscribe messages: WeChat opens its dialog only from a tap, so it is a button; the templates are loaded
 * before, so the tap opens the dialog at once. Nothing shows when the server has none of the templates.
 */
export default function SubscribeButton({ keys, label, onLabel, testId }: SubscribeButtonProps) {
  const templates = useSubscribeTemplates(session.api);
  const [state, setState] = useState<'idle' | 'asking' | 'on' | 'declined' | 'failed'>('idle');
  if (!templates || !templateIdsFor(templates, keys.slice(0, 1)).length) return null;
  const ask = async () => {
    setState('asking');
    try {
      const { accepted } = await askForTemplates(platform, session.api, templates, keys);
      setState(accepted.includes(keys[0]!) ? 'on' : 'declined');
    } catch {
      setState('failed');
    }
  };
  if (state === 'on') {
    return (
      <Text className="subscribe-button__on" data-testid={testId && `${testId}-on`}>
        {onLabel}
      </Text>
    );
  }
  return (
    <View className="subscribe-button">
      <Button block data-testid={testId} loading={state === 'asking'} onClick={() => void ask()}>
        {label}
      </Button>
      {state === 'declined' && (
        <Text className="subscribe-button__hint">未开启提醒，可稍后在「我的 › 消息提醒」中开启。</Text>
      )}
      {state === 'failed' && <Text className="subscribe-button__hint">提醒暂时无法开启，请稍后再试。</Text>}
    </View>
  );
}
