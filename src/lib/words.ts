// Counted words in the product's language: "1 dot", "3 dots". Plural forms come from
// Intl.PluralRules, one cached rule set per locale (building one per call is slow).
const rules = new Map<string, Intl.PluralRules>();

function pluralRules(locale: string): Intl.PluralRules {
	let rule = rules.get(locale);
	if (!rule) {
		rule = new Intl.PluralRules(locale);
		rules.set(locale, rule);
	}
	return rule;
}

/** `one` or `other`, as `count` needs: pluralWord(1, 'person has', 'people have'). */
export function pluralWord(count: number, one: string, other: string, locale = 'en'): string {
	return pluralRules(locale).select(count) === 'one' ? one : other;
}

/** The count with its noun: plural(1, 'dot', 'dots') is "1 dot"; plural(1200, …) "1,200 dots". */
export function plural(count: number, one: string, other: string, locale = 'en'): string {
	return `${count.toLocaleString(locale)} ${pluralWord(count, one, other, locale)}`;
}

/** Ends a sentence with a full stop, unless it already ends with one (or ! ? …): "…, Dr J." not "J..". */
export function sentence(text: string): string {
	return /[.!?…]["'”’)]*$/.test(text) ? text : `${text}.`;
}
