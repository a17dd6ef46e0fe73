// The story form as a phone posts it: every field checked on the server, with words for the phone.
import { STORY_LIMITS, THEMES, normaliseThemes, type Consent } from '$lib/stories';
import { isStorableText, parseForm, text, type FormResult } from '$lib/validation';
import * as v from 'valibot';
import { formValues } from './forms';
import type { StoryInput } from '../stories';

/** The checkbox name of a starter theme ("personal touch" → "theme-personal-touch"). */
export function themeField(theme: string): string {
	return `theme-${theme.replaceAll(' ', '-')}`;
}

const optionalText = (label: string, max: number) =>
	v.optional(v.union([v.literal(''), text(label, 1, max)]), '');

const uuid = (message: string) => v.pipe(v.string(), v.uuid(message));

const freeTags = v.pipe(
	v.optional(v.string(), ''),
	v.check(isStorableText, 'The tags contain characters that cannot be stored.'),
	v.transform((value) => normaliseThemes(value.split(','))),
	v.check(
		(tags) => tags.every((tag) => tag.length <= STORY_LIMITS.theme),
		`Each tag can be at most ${STORY_LIMITS.theme} characters.`
	)
);

const StoryFields = v.object({
	kind: v.picklist(['good', 'bad'], 'Was it good or bad service?'),
	perspective: v.picklist(['customer', 'employee'], 'Were you the customer, or serving one?'),
	title: text('The title', 1, STORY_LIMITS.title),
	body: text('What happened', 1, STORY_LIMITS.body),
	feeling: optionalText('How it left the customer feeling', STORY_LIMITS.feeling),
	company: optionalText('The company or sector', STORY_LIMITS.company),
	tags: freeTags,
	consent: v.picklist(['room', 'library_anonymous', 'library_named'], 'Choose who may see your story.'),
	key: uuid('This form is out of date. Reload the page and try again.'),
	id: v.optional(uuid('Unknown story.')),
	...Object.fromEntries(THEMES.map((theme) => [themeField(theme), v.optional(v.literal('on'))]))
});

export interface ParsedStory {
	story: StoryInput;
	idempotencyKey: string;
	/** Set when editing an existing story. */
	id?: string;
}

export function parseStory(form: FormData): FormResult<ParsedStory> {
	const parsed = parseForm(form, StoryFields);
	if (!parsed.ok) return parsed;
	const data = parsed.data as v.InferOutput<typeof StoryFields> & Record<string, unknown>;
	const themes = normaliseThemes([
		...THEMES.filter((theme) => data[themeField(theme)] === 'on'),
		...data.tags
	]);
	if (themes.length > STORY_LIMITS.themes) {
		return {
			ok: false,
			errors: { tags: `Choose at most ${STORY_LIMITS.themes} themes and tags.` },
			values: formValues(form)
		};
	}
	return {
		ok: true,
		data: {
			idempotencyKey: data.key,
			id: data.id,
			story: {
				kind: data.kind,
				perspective: data.perspective,
				title: data.title,
				body: data.body,
				feeling: data.feeling || null,
				company: data.company || null,
				themes,
				consent: data.consent as Consent
			}
		}
	};
}
