import { Input, Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import './index.scss';

interface FieldProps {
  label: string;
  hint?: string;
  error?: string;
  children: ReactNode;
  /** Anchors a field so a refused save can point at it. */
  id?: string;
}

/** A labelled form row; its error is named in red right under the input it is about. */
export function Field({ label, hint, error, children, id }: FieldProps) {
  return (
    <View className={`m-field${error ? ' m-field--error' : ''}`} id={id}>
      <Text className="m-field__label">{label}</Text>
      {children}
      {error ? (
        <Text className="m-field__error">{error}</Text>
      ) : (
        hint && <Text className="m-field__hint">{hint}</Text>
      )}
    </View>
  );
}

interface TextInputProps {
  value: string;
  onChange(v: string): void;
  placeholder?: string;
  type?: 'text' | 'digit' | 'number';
  maxlength?: number;
  disabled?: boolean;
  name?: string;
}

export function TextInput({ value, onChange, placeholder, type = 'text', maxlength, disabled, name }: TextInputProps) {
  return (
    <Input
      className="m-field__input"
      value={value}
      type={type}
      placeholder={placeholder}
      maxlength={maxlength ?? -1}
      disabled={disabled || undefined}
      data-name={name}
      onInput={(e) => onChange(e.detail.value)}
    />
  );
}
