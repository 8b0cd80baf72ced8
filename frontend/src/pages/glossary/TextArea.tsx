import { FieldError, Label, Text, TextArea as AriaTextArea, TextField, type TextFieldProps } from 'react-aria-components';

interface Props extends Omit<TextFieldProps, 'children'> {
  label: string;
  description?: string;
  rows?: number;
}

/** A multi-line text field with label, description and error, like `TextInput`. */
export function TextArea({ label, description, rows = 4, ...props }: Props) {
  return (
    <TextField className="field" validationBehavior="aria" {...props}>
      <Label>
        {label}
        {props.isRequired && (
          <span className="required" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </Label>
      <AriaTextArea rows={rows} className="react-aria-Input textarea" />
      {description && (
        <Text slot="description" className="field-description">
          {description}
        </Text>
      )}
      <FieldError className="field-error" />
    </TextField>
  );
}
