// The presenter's shortcuts on the control panel, declared once: the key handler, the help overlay
// and every button's aria-keyshortcuts read this list. A shortcut clicks the visible button marked
// data-shortcut="<name>", so it does exactly what that button does — and nothing when the button is
// not there (no vote to reveal, no story to spotlight, no stage after Wrap-up).
import type { Attachment } from 'svelte/attachments';

export interface Shortcut {
	/** The data-shortcut value of the buttons it clicks. */
	name: string;
	/** KeyboardEvent.key values; a letter matches in either case. */
	keys: readonly string[];
	/** What it does, in the help overlay. */
	does: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
	// Presenter clickers send Page Down / Page Up, some the arrow keys.
	{ name: 'n', keys: ['N', 'PageDown', 'ArrowRight'], does: 'Next stage' },
	{ name: 'p', keys: ['P', 'PageUp', 'ArrowLeft'], does: 'Previous stage' },
	{ name: 't', keys: ['T'], does: 'Start, pause or resume the timer' },
	{ name: 'm', keys: ['M'], does: 'Add a minute to the timer' },
	{ name: 'l', keys: ['L'], does: 'Lock or unlock posting' },
	{ name: 'h', keys: ['H'], does: 'Hide posts until a reveal, or reveal them' },
	{ name: 'r', keys: ['R'], does: 'Reveal the vote of this stage' },
	{ name: 's', keys: ['S'], does: 'Spotlight the next story (Dream)' },
	{ name: '?', keys: ['?'], does: 'Show these shortcuts' }
];

/** The shortcut a key press asks for; chords with Ctrl, Alt or Meta belong to the browser. */
export function shortcutFor(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey'>) {
	if (event.ctrlKey || event.altKey || event.metaKey) return null;
	const key = event.key.length === 1 ? event.key.toUpperCase() : event.key;
	return SHORTCUTS.find((shortcut) => shortcut.keys.includes(key)) ?? null;
}

/** The aria-keyshortcuts value for a shortcut's buttons ("?" is typed with Shift). */
export function ariaKeys(shortcut: Shortcut): string {
	return shortcut.keys.map((key) => (key === '?' ? 'Shift+?' : key)).join(' ');
}

const KEY_NAMES: Record<string, string> = {
	PageDown: 'Page Down',
	PageUp: 'Page Up',
	ArrowRight: '→',
	ArrowLeft: '←'
};

/** A key as the help overlay shows it. */
export function keyName(key: string): string {
	return KEY_NAMES[key] ?? key;
}

const NOT_TYPING = new Set(['button', 'submit', 'reset', 'image']);

/** Whether a key press goes into a field (text, a choice moved with arrows, a list) rather than the page. */
export function isTyping(target: EventTarget | null): boolean {
	if (!(target instanceof HTMLElement)) return false;
	if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
	if (target instanceof HTMLSelectElement) return true;
	return target instanceof HTMLInputElement && !NOT_TYPING.has(target.type);
}

/** The first button for `name` someone could click now: shown, not folded away, not disabled. */
function visibleButton(root: HTMLElement, name: string): HTMLButtonElement | null {
	const buttons = root.querySelectorAll<HTMLButtonElement>(`button[data-shortcut="${CSS.escape(name)}"]`);
	return (
		[...buttons].find(
			(button) => !button.disabled && !button.closest('details:not([open])') && button.checkVisibility()
		) ?? null
	);
}

/** Labels every shortcut button below `root` with its keys, whoever rendered it. */
function labelButtons(root: HTMLElement): void {
	for (const button of root.querySelectorAll<HTMLElement>('[data-shortcut]:not([aria-keyshortcuts])')) {
		const shortcut = SHORTCUTS.find((candidate) => candidate.name === button.dataset.shortcut);
		if (shortcut) button.setAttribute('aria-keyshortcuts', ariaKeys(shortcut));
	}
}

/**
 * Attach to the panel: presses a shortcut's button when its key is pressed (not while typing, not
 * while a dialog is open), and gives every [data-shortcut] button its aria-keyshortcuts.
 */
export const presenterShortcuts: Attachment<HTMLElement> = (root) => {
	const onKeydown = (event: KeyboardEvent) => {
		if (event.defaultPrevented || event.repeat || isTyping(event.target)) return;
		if (root.ownerDocument.querySelector('dialog[open]')) return;
		const shortcut = shortcutFor(event);
		const button = shortcut && visibleButton(root, shortcut.name);
		if (!button) return; // Page Down still scrolls when there is no next stage
		event.preventDefault();
		button.click();
	};
	labelButtons(root);
	const labeller = new MutationObserver(() => labelButtons(root));
	labeller.observe(root, { childList: true, subtree: true });
	window.addEventListener('keydown', onKeydown);
	return () => {
		labeller.disconnect();
		window.removeEventListener('keydown', onKeydown);
	};
};
