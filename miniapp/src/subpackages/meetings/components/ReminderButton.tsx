import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { subscribeToMeetingReminder } from '../../../meetings/reminder';
import { platform } from '../../../platform';
import { session } from '../../../session';

/** Asks for the meeting reminder: WeChat allows the dialog only from a tap, so it is a button. */
export default function ReminderButton({ templateId }: { templateId: string }) {
  const [state, setState] = useState<'idle' | 'asking' | 'on' | 'declined' | 'failed'>('idle');
  if (!templateId) return null;
  const ask = async () => {
    setState('asking');
    try {
      setState((await subscribeToMeetingReminder(platform, session.api, templateId)) ? 'on' : 'declined');
    } catch {
      setState('failed');
    }
  };
  if (state === 'on') {
    return (
      <Text className="meeting-hint meeting-remind-on" data-testid="meeting-remind-on">
        已开启会前提醒
      </Text>
    );
  }
  return (
    <View className="meeting-remind">
      <Button
        className="meeting-remind__button"
        data-testid="meeting-remind"
        block
        loading={state === 'asking'}
        onClick={() => void ask()}
      >
        会前提醒我
      </Button>
      {state === 'declined' && <Text className="meeting-hint">未开启提醒，可稍后在会议详情中再开启。</Text>}
      {state === 'failed' && <Text className="meeting-hint">提醒暂时无法开启，请稍后再试。</Text>}
    </View>
  );
}
