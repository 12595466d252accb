import { Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import ConsentPrompt from '../../components/ConsentPrompt';
import SessionStatus from '../../components/SessionStatus';
import { welcomeTitle } from '../../lib/format';
import { session } from '../../session';
import { usePageView } from '../../tracking';
import './index.scss';

export default function Home() {
  usePageView('首页');
  const [sandbox, setSandbox] = useState(false);
  const [organisationName, setOrganisationName] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    void session.loadAppConfig().then((config) => {
      if (!active) return;
      setSandbox(config?.sandbox === true);
      setOrganisationName(config?.organisation?.name ?? null);
    });
    return () => {
      active = false;
    };
  }, []);

  return (
    <View className="page home">
      <View className="home-hero">
        <Text className="home-title">{welcomeTitle(organisationName)}</Text>
        <Text className="home-subtitle">预约、优惠与健康内容，都会在这里陆续上线</Text>
      </View>
      {sandbox && (
        <View className="home-sandbox">
          <Text>沙箱环境：微信登录等由本地模拟，未连接真实的微信服务</Text>
        </View>
      )}
      <SessionStatus />
      <ConsentPrompt variant="popup" />
    </View>
  );
}
