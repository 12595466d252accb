import { Button } from '@nutui/nutui-react-taro';
import { ScrollView, Text, View } from '@tarojs/components';
import type { SlotPickerState } from '../../../booking/slotPicker';
import { groupSlots } from '../../../booking/slotPicker';
import './SlotChooser.scss';

interface SlotChooserProps {
  picker: SlotPickerState;
  selectedSlotId?: string | null;
  disabled?: boolean;
  onDate(date: string): void;
  onSlot(slotId: string): void;
  onRetry(): void;
}

/** The next 14 clinic-local dates, and the chosen date's free slots by part of the day (times as the clinic's). */
export default function SlotChooser({ picker, selectedSlotId, disabled, onDate, onSlot, onRetry }: SlotChooserProps) {
  return (
    <View className="slot-chooser">
      <ScrollView className="slot-chooser__dates" scrollX enhanced showScrollbar={false}>
        <View className="slot-chooser__dates-row">
          {picker.dates.map((day) => (
            <View
              key={day.date}
              className={`book-date ${picker.date === day.date ? 'book-date--active' : ''}`}
              data-date={day.date}
              onClick={() => !disabled && onDate(day.date)}
            >
              <Text className="book-date__label">{day.label}</Text>
              <Text className="book-date__day">{day.dayText}</Text>
            </View>
          ))}
        </View>
      </ScrollView>
      <Slots picker={picker} selectedSlotId={selectedSlotId} disabled={disabled} onSlot={onSlot} onRetry={onRetry} />
    </View>
  );
}

function Slots({
  picker,
  selectedSlotId,
  disabled,
  onSlot,
  onRetry,
}: Pick<SlotChooserProps, 'picker' | 'selectedSlotId' | 'disabled' | 'onSlot' | 'onRetry'>) {
  const { slots, date } = picker;
  if (!date) return <Text className="slot-chooser__note">请选择日期</Text>;
  if (slots.status === 'error') {
    return (
      <View className="slot-chooser__note slot-chooser__note--error">
        <Text>可预约时间加载失败：{slots.message}</Text>
        <Button className="slot-retry" size="small" onClick={onRetry}>
          重试
        </Button>
      </View>
    );
  }
  if (slots.status !== 'ready') return <Text className="slot-chooser__note app-loading">正在查询可预约时间…</Text>;
  if (slots.value.length === 0) {
    return <Text className="slot-chooser__note book-empty">这一天已约满或不开放预约，请选择其他日期</Text>;
  }
  return (
    <View className="slot-chooser__groups">
      {groupSlots(slots.value).map((group) => (
        <View key={group.period} className="slot-chooser__group">
          <Text className="slot-chooser__period">{group.period}</Text>
          <View className="slot-chooser__grid">
            {group.slots.map((slot) => (
              <View
                key={slot.id}
                className={`book-slot ${selectedSlotId === slot.id ? 'book-slot--active' : ''}`}
                data-slot-id={slot.id}
                onClick={() => !disabled && onSlot(slot.id)}
              >
                <Text className="book-slot__time">{slot.local.time}</Text>
                <Text className="book-slot__doctor">{slot.doctor.name || '医生'}</Text>
              </View>
            ))}
          </View>
        </View>
      ))}
    </View>
  );
}
