// What the facilitator reads about each stage: its purpose, and its prompt until they write their
// own. Kept apart from stages.ts, which every phone downloads: a phone needs neither.
import { LOBBY_PROMPT, type Stage } from './stages';

export const STAGE_PURPOSES: Record<Stage, string> = {
	lobby: 'People arrive',
	explore: 'Energise customer connections',
	dream: 'Share stories; envision excellence',
	grow: 'Move the obstacles',
	excite: 'Ignite the culture',
	wrapup: 'Keep it'
};

export const DEFAULT_PROMPTS: Record<Stage, string> = {
	lobby: LOBBY_PROMPT,
	explore: 'Think of a recent moment when you were the customer. How did it leave you feeling, and why?',
	dream: 'Share a story of great or poor service. What should our customers feel?',
	grow: 'What gets in the way of excellent service here? Name the obstacles and how to move them.',
	excite: 'Agree our vision statement and choose the rallying cry we will live by.',
	wrapup: 'Here is the charter we built together.'
};
