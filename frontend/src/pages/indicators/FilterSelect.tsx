import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue, type Key } from 'react-aria-components';
import type { Option } from '../../components/fields';

/** A controlled select for list filters. */
export function FilterSelect({
  label,
  value,
  onChange,
  options,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: Option[];
}) {
  return (
    <Select
      className="field select"
      selectedKey={value}
      onSelectionChange={(k: Key | null) => {
        if (k !== null) onChange(String(k));
      }}
    >
      <Label>{label}</Label>
      <Button className="select-button">
        <SelectValue />
        <span aria-hidden="true" className="select-chevron">
          ▾
        </span>
      </Button>
      <Popover className="popover">
        <ListBox className="listbox" items={options}>
          {(o) => <ListBoxItem id={o.id}>{o.label}</ListBoxItem>}
        </ListBox>
      </Popover>
    </Select>
  );
}
