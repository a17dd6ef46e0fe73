// A ballot as a phone's form sends it, checked against the vote it is for. The form's fields depend
// on the vote: one `choice` (single), a number of dots per option (`dots-<id>`), or a place in the
// ranking per option (`rank-<id>`: 1 for the favourite, blank for unranked). The database checks
// the result again. A phone with JavaScript numbers its ballots (`seq`), so the newest one is kept.
import { answerSeq, parseForm, type FormResult } from '$lib/validation';
import { plural } from '$lib/words';
import * as v from 'valibot';
import type { Vote } from '../votes';

const blankOr = <T extends v.GenericSchema>(schema: T) => v.optional(v.union([v.literal(''), schema]), '');

function schemaFor(vote: Vote, options: string[]) {
	const entries: v.ObjectEntries = {
		vote: v.literal(vote.id, 'This vote has closed; reload the page.'),
		seq: answerSeq
	};
	// A missing choice reads as an empty one, so the phone is told to choose rather than "required".
	if (vote.method === 'single')
		entries.choice = v.pipe(v.optional(v.string(), ''), v.picklist(options, 'Choose one.'));
	if (vote.method === 'dot') {
		const most = vote.mayStack ? vote.dots : 1;
		for (const option of options) {
			entries[`dots-${option}`] = blankOr(
				v.pipe(
					v.string(),
					v.toNumber(),
					v.integer(),
					v.minValue(0),
					v.maxValue(most, `At most ${most} here.`)
				)
			);
		}
	}
	if (vote.method === 'ranked') {
		for (const option of options) {
			entries[`rank-${option}`] = blankOr(
				v.pipe(
					v.string(),
					v.toNumber(),
					v.integer('Rank with whole numbers: 1 for your favourite.'),
					v.minValue(1, 'Rank with whole numbers: 1 for your favourite.'),
					v.maxValue(options.length, `Rank from 1 to ${options.length}.`)
				)
			);
		}
	}
	return v.object(entries);
}

/** A ballot as sent: its choices in the order tally.ts reads them, and the phone's number for it. */
export interface SentBallot {
	choices: string[];
	seq: number | null;
}

/** The ballot a form describes, or the form's errors. */
export function parseBallot(form: FormData, vote: Vote, options: string[]): FormResult<SentBallot> {
	const parsed = parseForm(form, schemaFor(vote, options));
	if (!parsed.ok) return parsed;
	const data = parsed.data as Record<string, string | number | null>;
	let choices: string[];
	if (vote.method === 'single') choices = [String(data.choice)];
	else if (vote.method === 'dot') {
		choices = options.flatMap((option) => Array<string>(Number(data[`dots-${option}`] || 0)).fill(option));
	} else {
		const place = (option: string) => Number(data[`rank-${option}`] || 0);
		choices = options.filter((option) => place(option) > 0).sort((a, b) => place(a) - place(b));
		if (new Set(choices.map(place)).size !== choices.length) {
			return { ok: false, errors: { form: 'Give each option a different number.' }, values: {} };
		}
	}
	const error = (message: string): FormResult<SentBallot> => ({
		ok: false,
		errors: { form: message },
		values: {}
	});
	if (choices.length === 0) return error('Your ballot is empty.');
	if (vote.method === 'dot' && choices.length > vote.dots) {
		return error(
			`That is ${plural(choices.length, 'dot', 'dots')}: you have ${plural(vote.dots, 'dot', 'dots')} to place.`
		);
	}
	return { ok: true, data: { choices, seq: data.seq as number | null } };
}
