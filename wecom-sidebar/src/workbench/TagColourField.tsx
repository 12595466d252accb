/** A tag's colour: typed as #rrggbb or picked from the preset swatches. */
import { Field } from '../shell/Field';
import { PRESET_COLOURS } from '../tags/labels';

export function TagColourField({
  value,
  onChange,
  error,
  testId,
}: {
  value: string;
  onChange(colour: string): void;
  error?: string | undefined;
  /** On the text input. */
  testId: string;
}) {
  return (
    <Field label="颜色 Colour" hint="（可选）" error={error}>
      <span className="colour-picker">
        <input
          className="input"
          data-testid={testId}
          placeholder="#1f8a70"
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
        {PRESET_COLOURS.map((colour) => (
          <button
            key={colour}
            type="button"
            className="colour-swatch"
            style={{ background: colour }}
            aria-label={colour}
            onClick={() => onChange(colour)}
          />
        ))}
      </span>
    </Field>
  );
}
