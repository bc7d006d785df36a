import { Text, Textarea, View } from '@tarojs/components';
import { NOTE_MAX_CHARS } from '../../logic/actions';
import './index.scss';

interface Props {
  value: string;
  onChange(v: string): void;
  placeholder: string;
  /** The shop's 话术 for this action (settings.noteTemplates, R21 / 六.4): tap one to use it. */
  templates?: readonly string[];
  name?: string;
}

/** A note to the buyer, with the shop's saved phrasings one tap away. */
export function NoteInput({ value, onChange, placeholder, templates = [], name }: Props) {
  return (
    <View className="m-note">
      {templates.length > 0 && (
        <View className="m-note__templates">
          {templates.map((t) => (
            <Text key={t} className="m-note__template" onClick={() => onChange(t)}>
              {t}
            </Text>
          ))}
        </View>
      )}
      <Textarea
        className="m-field__textarea"
        value={value}
        placeholder={placeholder}
        maxlength={NOTE_MAX_CHARS}
        data-name={name}
        onInput={(e) => onChange(e.detail.value)}
      />
      <Text className="m-note__count">
        {value.trim().length}/{NOTE_MAX_CHARS}
      </Text>
    </View>
  );
}
