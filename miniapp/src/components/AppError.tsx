import { Button } from '@nutui/nutui-react-taro';
import { Text, View } from '@tarojs/components';
import './AppError.scss';

interface AppErrorProps {
  title?: string;
  message: string;
  onRetry?: () => void;
}

/** An honest error with a way to try again. */
export default function AppError({ title = '暂时无法连接服务', message, onRetry }: AppErrorProps) {
  return (
    <View className="app-error">
      <Text className="app-error__title">{title}</Text>
      <Text className="app-error__message">{message}</Text>
      {onRetry && (
        <Button className="app-retry" type="primary" size="small" onClick={onRetry}>
          重试
        </Button>
      )}
    </View>
  );
}
