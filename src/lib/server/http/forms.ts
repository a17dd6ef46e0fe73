import type { FormErrors } from '$lib/validation';
import { fail, type ActionFailure } from '@sveltejs/kit';

export type FormFailure = ActionFailure<{ errors: FormErrors; values: Record<string, string> }>;

/** The one shape every form action fails with, so pages read `form.errors.x` and `form.values.x`. */
export function rejectForm(
	status: number,
	errors: FormErrors,
	values: Record<string, string> = {}
): FormFailure {
	return fail(status, { errors, values });
}

/** What was typed, to put back into the form when a post is refused. */
export function formValues(form: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [key, value] of form) if (typeof value === 'string') values[key] = value;
	return values;
}
