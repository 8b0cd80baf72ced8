import { ToggleButton, ToggleButtonGroup, type Key } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { setLanguage, type Language } from '../i18n';

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const current: Language = i18n.language.startsWith('en') ? 'en' : 'de';
  return (
    <ToggleButtonGroup
      className="lang-switch"
      aria-label={t('nav.language')}
      selectionMode="single"
      disallowEmptySelection
      selectedKeys={[current]}
      onSelectionChange={(keys: Set<Key>) => {
        const [k] = [...keys];
        if (k === 'de' || k === 'en') setLanguage(k);
      }}
    >
      <ToggleButton id="de" lang="de">
        Deutsch
      </ToggleButton>
      <ToggleButton id="en" lang="en">
        English
      </ToggleButton>
    </ToggleButtonGroup>
  );
}
