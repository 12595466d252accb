import { Button, Toast } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { checkInPage } from '../../../meetings/routes';
import { meetingKeyFromScan } from '../../../meetings/scene';

/**
 * Check in by scanning the venue's code. In WeChat: the camera (`Taro.scanCode`), then the check-in page for the
 * meeting the code names. The browser has no camera here: scanning the code with WeChat opens the page itself.
 */
export default function ScanCheckIn() {
  const [toast, setToast] = useState<string | null>(null);
  if (process.env.TARO_ENV !== 'weapp') {
    return (
      <View className="meeting-scan meeting-scan--hint">
        <Text>到场后用微信「扫一扫」扫描会场的签到码，即可完成签到</Text>
      </View>
    );
  }
  async function scan() {
    try {
      // The default scan types include mini-program codes.
      const result = await Taro.scanCode({ onlyFromCamera: true });
      const key = meetingKeyFromScan(result);
      if (key) await Taro.navigateTo({ url: checkInPage(key) });
      else setToast('这不是会议签到码，请扫描会场张贴的签到码');
    } catch (error) {
      const message = (error as { errMsg?: string } | null)?.errMsg ?? '';
      if (!/cancel/.test(message)) setToast('扫码失败，请重试');
    }
  }
  return (
    <View className="meeting-scan">
      <Button className="meeting-scan__button" type="primary" block onClick={() => void scan()}>
        扫码签到
      </Button>
      <Toast visible={toast !== null} content={toast ?? ''} onClose={() => setToast(null)} />
    </View>
  );
}
