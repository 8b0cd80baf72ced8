import type { ReactNode } from 'react';
import {
  Button,
  Checkbox,
  CheckboxGroup,
  FieldError,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Radio,
  RadioGroup,
  Select,
  SelectValue,
  Text,
  TextField,
  type TextFieldProps,
} from 'react-aria-components';

export interface TextInputProps extends Omit<TextFieldProps, 'children'> {
  label: string;
  description?: string;
}

export function TextInput({ label, description, ...props }: TextInputProps) {
  return (
    <TextField className="field" validationBehavior="aria" {...props}>
      <Label>
        {label}
        {props.isRequired && <RequiredMark />}
      </Label>
      <Input />
      {description && (
        <Text slot="description" className="field-description">
          {description}
        </Text>
      )}
      <FieldError className="field-error" />
    </TextField>
  );
}

export function RequiredMark() {
  return (
    <span className="required" aria-hidden="true">
      {' '}
      *
    </span>
  );
}

export interface Option {
  id: string;
  label: string;
}

export function RadioField({
  label,
  name,
  options,
  defaultValue,
  value,
  onChange,
  isRequired,
}: {
  label: string;
  name: string;
  options: Option[];
  defaultValue?: string;
  value?: string;
  onChange?: (v: string) => void;
  isRequired?: boolean;
}) {
  return (
    <RadioGroup
      className="field radio-group"
      name={name}
      defaultValue={defaultValue}
      value={value}
      onChange={onChange}
      isRequired={isRequired}
      validationBehavior="aria"
    >
      <Label>
        {label}
        {isRequired && <RequiredMark />}
      </Label>
      <div className="choices">
        {options.map((o) => (
          <Radio key={o.id} value={o.id}>
            {o.label}
          </Radio>
        ))}
      </div>
      <FieldError className="field-error" />
    </RadioGroup>
  );
}

export function CheckboxField({
  label,
  name,
  options,
  defaultValue,
  description,
  empty,
}: {
  label: string;
  name: string;
  options: Option[];
  defaultValue?: string[];
  description?: string;
  empty?: ReactNode;
}) {
  return (
    <CheckboxGroup
      className="field checkbox-group"
      name={name}
      defaultValue={defaultValue}
      validationBehavior="aria"
    >
      <Label>{label}</Label>
      {description && (
        <Text slot="description" className="field-description">
          {description}
        </Text>
      )}
      <div className="choices">
        {options.length === 0 && empty}
        {options.map((o) => (
          <Checkbox key={o.id} value={o.id}>
            <span className="checkbox-box" aria-hidden="true" />
            {o.label}
          </Checkbox>
        ))}
      </div>
      <FieldError className="field-error" />
    </CheckboxGroup>
  );
}

export function SelectField({
  label,
  name,
  options,
  defaultValue,
  placeholder,
}: {
  label: string;
  name: string;
  options: Option[];
  defaultValue?: string;
  placeholder?: string;
}) {
  return (
    <Select
      className="field select"
      name={name}
      defaultValue={defaultValue}
      placeholder={placeholder}
      validationBehavior="aria"
    >
      <Label>{label}</Label>
      <Button className="select-button">
        <SelectValue />
        <span aria-hidden="true" className="select-chevron">
          ▾
        </span>
      </Button>
      <FieldError className="field-error" />
      <Popover className="popover">
        <ListBox className="listbox" items={options}>
          {(o) => <ListBoxItem id={o.id}>{o.label}</ListBoxItem>}
        </ListBox>
      </Popover>
    </Select>
  );
}
