// A word-by-word difference between two versions of a text, for showing how a draft changed.

export interface DiffPart {
	kind: 'same' | 'added' | 'removed';
	text: string;
}

/** The words of `before` and `after`, each marked kept, added or removed (longest common subsequence). */
export function diffWords(before: string, after: string): DiffPart[] {
	const a = before.split(/(\s+)/).filter(Boolean);
	const b = after.split(/(\s+)/).filter(Boolean);
	// lengths[i][j]: the longest common subsequence of a[i..] and b[j..].
	const lengths = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
	for (let i = a.length - 1; i >= 0; i--) {
		for (let j = b.length - 1; j >= 0; j--) {
			lengths[i]![j] =
				a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
		}
	}
	const parts: DiffPart[] = [];
	const push = (kind: DiffPart['kind'], text: string) => {
		const last = parts.at(-1);
		if (last?.kind === kind) last.text += text;
		else parts.push({ kind, text });
	};
	let i = 0;
	let j = 0;
	while (i < a.length && j < b.length) {
		if (a[i] === b[j]) {
			push('same', a[i++]!);
			j++;
		} else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) push('removed', a[i++]!);
		else push('added', b[j++]!);
	}
	while (i < a.length) push('removed', a[i++]!);
	while (j < b.length) push('added', b[j++]!);
	return parts;
}

/** Words in a draft, as the word limit counts them. */
export function wordCount(text: string): number {
	return text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}
