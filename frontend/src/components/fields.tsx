import { useState, type ReactNode } from 'react';
import {
  Button,
  Checkbox,
  CheckboxGroup,
  Collection,
  FieldError,
  Header,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  ListBoxSection,
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
  description,
}: {
  label: string;
  name: string;
  options: Option[];
  defaultValue?: string;
  value?: string;
  onChange?: (v: string) => void;
  isRequired?: boolean;
  description?: string;
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
      {description && (
        <Text slot="description" className="field-description">
          {description}
        </Text>
      )}
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
  selectAllLabel,
}: {
  label: string;
  name: string;
  options: Option[];
  defaultValue?: string[];
  description?: string;
  empty?: ReactNode;
  /** Offers buttons that tick every option and none (e.g. all participating organisations). */
  selectAllLabel?: { all: string; none: string };
}) {
  const [value, setValue] = useState<string[]>(defaultValue ?? []);
  return (
    <CheckboxGroup
      className="field checkbox-group"
      name={name}
      // Controlled only with the select-all buttons, so that other forms keep resetting natively.
      {...(selectAllLabel ? { value, onChange: setValue } : { defaultValue })}
      validationBehavior="aria"
    >
      <Label>{label}</Label>
      {description && (
        <Text slot="description" className="field-description">
          {description}
        </Text>
      )}
      {selectAllLabel && options.length > 1 && (
        <div className="inline-actions">
          <Button className="btn btn-secondary btn-small" onPress={() => setValue(options.map((o) => o.id))}>
            {selectAllLabel.all}
          </Button>
          <Button className="btn btn-secondary btn-small" onPress={() => setValue([])}>
            {selectAllLabel.none}
          </Button>
        </div>
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

/** Options under a heading, e.g. goals grouped by their field of action. */
export interface OptionGroup {
  id: string;
  title: string;
  options: Option[];
}

export function SelectField({
  label,
  name,
  options = [],
  groups,
  defaultValue,
  value,
  onChange,
  placeholder,
}: {
  label: string;
  name: string;
  options?: Option[];
  /** Shown instead of `options`, each group under its title. */
  groups?: OptionGroup[];
  defaultValue?: string;
  value?: string;
  onChange?: (v: string) => void;
  placeholder?: string;
}) {
  return (
    <Select
      className="field select"
      name={name}
      defaultValue={defaultValue}
      value={value}
      onChange={onChange ? (k) => onChange(k == null ? '' : String(k)) : undefined}
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
        {groups ? (
          <ListBox className="listbox" items={groups}>
            {(g) => (
              <ListBoxSection id={g.id} className="listbox-section">
                <Header className="listbox-header">{g.title}</Header>
                <Collection items={g.options}>{(o) => <ListBoxItem id={o.id}>{o.label}</ListBoxItem>}</Collection>
              </ListBoxSection>
            )}
          </ListBox>
        ) : (
          <ListBox className="listbox" items={options}>
            {(o) => <ListBoxItem id={o.id}>{o.label}</ListBoxItem>}
          </ListBox>
        )}
      </Popover>
    </Select>
  );
}
