import { Text, View } from '@tarojs/components';
import './ComingSoon.scss';

interface ComingSoonProps {
  title: string;
  description: string;
}

/** A feature that is not built yet, said plainly (no placeholder data). */
export default function ComingSoon({ title, description }: ComingSoonProps) {
  return (
    <View className="coming-soon">
      <Text className="coming-soon__title">{title}</Text>
      <Text className="coming-soon__description">{description}</Text>
    </View>
  );
}
