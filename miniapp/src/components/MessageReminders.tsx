import type { SubscriptionState } from '@careloop/shared';
import type { SubscribeTemplateKey } from '@careloop/shared/subscribe-templates';
import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { errorMessage } from '../lib/errors';
import { platform } from '../platform';
import { session } from '../session';
import { askForTemplates, creditsText, reminderRows, SUBSCRIPTIONS_PATH } from '../subscriptions';
import './MessageReminders.scss';

/**
 * "Message reminders" (消息提醒): each subscribe-message template, the messages the customer allowed and not yet
 * received, and a button to allow one more (each tap opens WeChat's dialog; each acceptance is one message).
 */
export default function MessageReminders({ notify }: { notify: (content: string, kind: 'success' | 'fail') => void }) {
  const [state, setState] = useState<SubscriptionState | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [asking, setAsking] = useState<SubscribeTemplateKey | null>(null);

  useEffect(() => {
    let live = true;
    session.api.get<SubscriptionState>(SUBSCRIPTIONS_PATH).then(
      (loaded) => live && setState(loaded),
      (error: unknown) => live && setFailed(errorMessage(error)),
    );
    return () => {
      live = false;
    };
  }, []);

  async function subscribe(key: SubscribeTemplateKey, current: SubscriptionState) {
    setAsking(key);
    try {
      const result = await askForTemplates(platform, session.api, current.templates, [key]);
      if (result.state) setState(result.state);
      notify(result.accepted.length ? '已开启提醒' : '未开启提醒', result.accepted.length ? 'success' : 'fail');
    } catch (error) {
      notify(`开启失败：${errorMessage(error)}`, 'fail');
    } finally {
      setAsking(null);
    }
  }

  return (
    <View className="me-section message-reminders" data-testid="message-reminders">
      <Text className="me-section__title">消息提醒</Text>
      <Text className="me-section__note">每次订阅可接收一条对应的微信提醒，可多次订阅。</Text>
      {failed && <Text className="me-section__note">提醒状态加载失败：{failed}</Text>}
      {!state && !failed && <Text className="me-section__note">正在加载…</Text>}
      {state &&
        reminderRows(state).map((row) => (
          <View key={row.key} className="message-reminders__row" data-testid={`reminder-${row.key}`}>
            <View className="message-reminders__text">
              <Text className="message-reminders__title">{row.title}</Text>
              <Text className="message-reminders__description">{row.description}</Text>
              <Text
                className={`message-reminders__credits message-reminders__credits--${row.credits > 0 ? 'on' : 'off'}`}
              >
                {creditsText(row)}
              </Text>
            </View>
            {row.available && (
              <Button
                className="message-reminders__subscribe"
                size="small"
                fill="outline"
                loading={asking === row.key}
                disabled={asking !== null}
                onClick={() => void subscribe(row.key, state)}
              >
                订阅
              </Button>
            )}
          </View>
        ))}
    </View>
  );
}
