// The workshop's stages in order, in the product's words. Shared by server, phones and screen.
export type Stage = 'lobby' | 'explore' | 'dream' | 'grow' | 'excite' | 'wrapup';

export interface StageInfo {
	id: Stage;
	name: string;
}

export const STAGES: readonly StageInfo[] = [
	{ id: 'lobby', name: 'Lobby' },
	{ id: 'explore', name: 'Explore' },
	{ id: 'dream', name: 'Dream' },
	{ id: 'grow', name: 'Grow' },
	{ id: 'excite', name: 'Excite' },
	{ id: 'wrapup', name: 'Wrap-up' }
];

/** The Lobby's prompt until the facilitator writes their own (stageGuide.ts has every stage's). */
export const LOBBY_PROMPT =
	'Scan the code or go to the address on the screen, and pick a name (or stay anonymous).';

export const STAGE_IDS = STAGES.map((stage) => stage.id) as readonly Stage[];

export function stageInfo(id: Stage): StageInfo {
	return STAGES.find((stage) => stage.id === id)!;
}

export function isStage(value: unknown): value is Stage {
	return typeof value === 'string' && (STAGE_IDS as readonly string[]).includes(value);
}

/** The stage before or after `id`, or null at either end. */
export function neighbour(id: Stage, step: -1 | 1): Stage | null {
	return STAGE_IDS[STAGE_IDS.indexOf(id) + step] ?? null;
}

/** Stages whose phone page is their own route (with only their own code); the rest share /w/CODE. */
const STAGE_PAGES: Partial<Record<Stage, string>> = { dream: 'dream', grow: 'grow', excite: 'excite' };

/** Where a phone belongs while the workshop is in `stage`. */
export function stagePath(code: string, stage: Stage, ended: boolean): string {
	const page = ended ? undefined : STAGE_PAGES[stage];
	return page ? `/w/${code}/${page}` : `/w/${code}`;
}

export const MOOD_FACES = ['😞', '🙁', '😐', '🙂', '😄'] as const;
export const MOOD_WORDS = ['Awful', 'Poor', 'Okay', 'Good', 'Great'] as const;
export const MOOD_LINE_MAX = 140;

/** Whether the workshop has reached `stage` (is in it, or past it). */
export function reached(current: Stage, stage: Stage): boolean {
	return STAGE_IDS.indexOf(current) >= STAGE_IDS.indexOf(stage);
}
