/** Letters and digits that cannot be mistaken for one another when read off a projector. */
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const JOIN_CODE_LENGTH = 6;

/** A new code; `randomIndex(n)` must return an integer in [0, n) (crypto-random in production). */
export function generateJoinCode(randomIndex: (n: number) => number): string {
	let code = '';
	for (let i = 0; i < JOIN_CODE_LENGTH; i++)
		code += JOIN_CODE_ALPHABET[randomIndex(JOIN_CODE_ALPHABET.length)];
	return code;
}

/**
 * What a person typed, as a code: case and spacing ignored, and the digits 0 and 1 read as the
 * letters O and I (codes never contain those digits). Returns null if it cannot be a code.
 */
export function normaliseJoinCode(typed: string): string | null {
	const code = typed.toUpperCase().replace(/[\s-]/g, '').replace(/0/g, 'O').replace(/1/g, 'I');
	return /^[A-Z2-9]{6}$/.test(code) ? code : null;
}
