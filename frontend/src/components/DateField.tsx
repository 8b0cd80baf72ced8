//! A date entry that follows the app's language, not the browser's: DD.MM.YYYY in German.
import { useState } from 'react';
import {
  Button,
  Calendar,
  CalendarCell,
  CalendarGrid,
  DateInput,
  DatePicker,
  DateSegment,
  Dialog,
  FieldError,
  Group,
  Heading,
  Label,
  Popover,
  Text,
} from 'react-aria-components';
import { parseDate, type CalendarDate } from '@internationalized/date';
import { useTranslation } from 'react-i18next';
import { RequiredMark } from './fields';
import { farOff } from './dateHints';

/**
 * A date field with typed segments (TT.MM.JJJJ in German, whatever the browser's language) and a
 * calendar button. Submits `name` as `YYYY-MM-DD`, like a native date input, so forms read it
 * the same way. A date far from today gets a hint to check it (a typo in the year is common).
 */
export function DateField({
  name,
  label,
  defaultValue,
  isRequired,
  description,
}: {
  name: string;
  label: string;
  /** `YYYY-MM-DD` */
  defaultValue?: string;
  isRequired?: boolean;
  description?: string;
}) {
  const { t } = useTranslation();
  const [initial] = useState<CalendarDate | null>(() => (defaultValue ? safeParse(defaultValue) : null));
  const [value, setValue] = useState<CalendarDate | null>(initial);
  const hint = value ? farOff(value.toString(), new Date()) : null;
  return (
    <DatePicker
      className="field date-field"
      name={name}
      // Uncontrolled, so that a form's reset clears it like a native input; the state only
      // feeds the plausibility hint.
      defaultValue={initial}
      onChange={setValue}
      // TT.MM.JJJJ, as people write it on paper forms, rather than Intl's 15.2.2027.
      shouldForceLeadingZeros
      isRequired={isRequired}
      validationBehavior="aria"
    >
      <Label>
        {label}
        {isRequired && <RequiredMark />}
      </Label>
      <Group className="date-group">
        <DateInput className="date-input">{(segment) => <DateSegment segment={segment} className="date-segment" />}</DateInput>
        <Button className="btn btn-secondary btn-small date-button" aria-label={t('dates.openCalendar')}>
          <span aria-hidden="true">📅</span>
        </Button>
      </Group>
      {description && (
        <Text slot="description" className="field-description">
          {description}
        </Text>
      )}
      {hint && (
        <p className="field-description date-hint" role="status">
          {t(`dates.${hint.kind}`, { years: hint.years })}
        </p>
      )}
      <FieldError className="field-error" />
      <Popover className="popover">
        <Dialog className="calendar-dialog" aria-label={t('dates.calendar')}>
          <Calendar>
            <header className="calendar-header">
              <Button slot="previous" className="btn btn-quiet btn-small" aria-label={t('dates.previousMonth')}>
                ◀
              </Button>
              <Heading />
              <Button slot="next" className="btn btn-quiet btn-small" aria-label={t('dates.nextMonth')}>
                ▶
              </Button>
            </header>
            <CalendarGrid>{(date) => <CalendarCell date={date} className="calendar-cell" />}</CalendarGrid>
          </Calendar>
        </Dialog>
      </Popover>
    </DatePicker>
  );
}

function safeParse(iso: string): CalendarDate | null {
  try {
    return parseDate(iso);
  } catch {
    return null;
  }
}
