import { FieldError, Label, Text, TextArea as AriaTextArea, TextField } from 'react-aria-components';
import { RequiredMark, type TextInputProps } from './fields';

// Its own module: fields.tsx is part of the first load (the login form), text areas are not.
interface TextAreaProps extends TextInputProps {
  rows?: number;
}

/** A multi-line text field with label, description and error, like `TextInput`. */
export function TextArea({ label, description, rows = 4, ...props }: TextAreaProps) {
  return (
    <TextField className="field" validationBehavior="aria" {...props}>
      <Label>
        {label}
        {props.isRequired && <RequiredMark />}
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

