// The languages and regions an organisation can read its dates in, each named in its own words.
export const LOCALES = {
	'en-GB': 'English (United Kingdom)',
	'en-US': 'English (United States)',
	'en-AU': 'English (Australia)',
	'en-NZ': 'English (New Zealand)',
	'en-CA': 'English (Canada)',
	'en-IE': 'English (Ireland)',
	'fr-FR': 'Français (France)',
	'de-DE': 'Deutsch (Deutschland)',
	'es-ES': 'Español (España)',
	'nl-NL': 'Nederlands (Nederland)',
	'pt-BR': 'Português (Brasil)',
	'it-IT': 'Italiano (Italia)'
} as const;

export type Locale = keyof typeof LOCALES;
export const DEFAULT_LOCALE: Locale = 'en-GB';
