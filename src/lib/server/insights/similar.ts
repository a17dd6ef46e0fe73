// Grouping obstacles worded alike: "Slow hand-offs between teams" and "hand offs between teams are
// slow" are one obstacle met twice. Wording is normalised (case, accents, punctuation, little
// words, plurals), then compared by trigram similarity, as Postgres's pg_trgm defines it. It runs
// here rather than in SQL because pg_trgm is not in every engine (PGlite), and one rule everywhere
// keeps the numbers a leader sees the same on every deployment.

const STOP_WORDS = new Set(
	`a an and are as at be been but by can could did do does for from get gets got had has have how
	 i if in into is it its just more most no not of on or our out so some than that the their them
	 then there they this to too up us very was we were what when which while who why will with
	 would you your`.split(/\s+/)
);

/** Two wordings at least this similar are one obstacle (pg_trgm's own default is a looser 0.3). */
export const SIMILAR_ENOUGH = 0.5;

/** The words that carry the meaning, in a canonical order: the same for any rewording of them. */
export function normalise(text: string): string {
	const words = text
		.normalize('NFKD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		// "hand-offs" and "don't" are one word each.
		.replace(/(\p{L})['’-](\p{L})/gu, '$1$2')
		.split(/[^\p{L}\p{N}]+/u)
		.filter((word) => word && !STOP_WORDS.has(word))
		// Plurals: "teams" and "team" are one word (not "process" or "bus").
		.map((word) =>
			word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word
		);
	return [...new Set(words)].sort().join(' ');
}

/** pg_trgm's trigrams: each word padded with two spaces before and one after. */
export function trigrams(normalised: string): Set<string> {
	const grams = new Set<string>();
	for (const word of normalised.split(' ')) {
		if (!word) continue;
		const padded = `  ${word} `;
		for (let i = 0; i + 3 <= padded.length; i++) grams.add(padded.slice(i, i + 3));
	}
	return grams;
}

/** Shared trigrams over all trigrams of either, from 0 (nothing alike) to 1. */
export function similarity(a: Set<string>, b: Set<string>): number {
	let shared = 0;
	for (const gram of a) if (b.has(gram)) shared++;
	const all = a.size + b.size - shared;
	return all === 0 ? 0 : shared / all;
}

/**
 * Puts each item with the most similar group (by its first, most common wording) or starts a
 * new one. Wordings said most often lead their groups; ties go alphabetically, so the grouping is
 * the same on every run. An inverted index of trigrams finds the candidates, so thousands of
 * obstacles cost thousands of comparisons, not millions.
 */
export function groupSimilar<T extends { text: string }>(items: T[], threshold = SIMILAR_ENOUGH): T[][] {
	const byWording = new Map<string, T[]>();
	// Rooms often write the very same words: each distinct text is normalised once.
	const keys = new Map<string, string>();
	for (const item of items) {
		let key = keys.get(item.text);
		if (key === undefined) keys.set(item.text, (key = normalise(item.text)));
		const same = byWording.get(key);
		if (same) same.push(item);
		else byWording.set(key, [item]);
	}
	const wordings = [...byWording].sort(
		([a, aItems], [b, bItems]) => bItems.length - aItems.length || a.localeCompare(b)
	);
	const groups: { grams: Set<string>; items: T[] }[] = [];
	const groupsWithGram = new Map<string, number[]>();
	for (const [wording, wordingItems] of wordings) {
		const grams = trigrams(wording);
		const shared = new Map<number, number>();
		for (const gram of grams) {
			for (const index of groupsWithGram.get(gram) ?? []) shared.set(index, (shared.get(index) ?? 0) + 1);
		}
		let best: { index: number; score: number } | null = null;
		for (const [index, count] of shared) {
			const score = count / (grams.size + groups[index]!.grams.size - count);
			if (score >= threshold && (!best || score > best.score)) best = { index, score };
		}
		if (best) {
			groups[best.index]!.items.push(...wordingItems);
			continue;
		}
		const index = groups.push({ grams, items: [...wordingItems] }) - 1;
		for (const gram of grams) {
			const holders = groupsWithGram.get(gram);
			if (holders) holders.push(index);
			else groupsWithGram.set(gram, [index]);
		}
	}
	return groups.map((group) => group.items);
}
