import { describe, expect, it } from 'vitest';
import { ariaKeys, keyName, shortcutFor, SHORTCUTS } from './shortcuts';

const press = (key: string, chord: Partial<Record<'ctrlKey' | 'altKey' | 'metaKey', boolean>> = {}) =>
	shortcutFor({ key, ctrlKey: false, altKey: false, metaKey: false, ...chord })?.name ?? null;

describe('presenter shortcuts', () => {
	it.each([
		['n', 'n'],
		['N', 'n'],
		['PageDown', 'n'],
		['ArrowRight', 'n'],
		['PageUp', 'p'],
		['ArrowLeft', 'p'],
		['t', 't'],
		['m', 'm'],
		['l', 'l'],
		['h', 'h'],
		['r', 'r'],
		['s', 's'],
		['?', '?'],
		['x', null],
		['Enter', null],
		[' ', null]
	])('%s asks for %s', (key, name) => {
		expect(press(key)).toBe(name);
	});

	it('leaves chords to the browser and the screen reader', () => {
		expect(press('r', { ctrlKey: true })).toBeNull();
		expect(press('ArrowLeft', { altKey: true })).toBeNull();
		expect(press('l', { metaKey: true })).toBeNull();
	});

	it('gives no key to two shortcuts', () => {
		const keys = SHORTCUTS.flatMap((shortcut) => shortcut.keys.map((key) => key.toUpperCase()));
		expect(new Set(keys).size).toBe(keys.length);
	});

	it('names keys for aria-keyshortcuts and for people', () => {
		const next = SHORTCUTS.find((shortcut) => shortcut.name === 'n')!;
		expect(ariaKeys(next)).toBe('N PageDown ArrowRight');
		expect(ariaKeys(SHORTCUTS.find((shortcut) => shortcut.name === '?')!)).toBe('Shift+?');
		expect(next.keys.map(keyName)).toEqual(['N', 'Page Down', '→']);
	});
});
