// Focus stays on the control the facilitator used. After a form action SvelteKit moves focus to the
// page itself, and the live update that follows may replace or remove the control (Pause becomes
// Resume, "Open voting" becomes "Close voting"). Either way focus goes back to the same control, found
// again by a stable key, or — when it is gone — to its successor in the same section; never to the
// top of the page. One mechanism for every form on the panel, whoever wrote it.
import type { Attachment } from 'svelte/attachments';

const CONTROLS = 'button, input, select, textarea, summary, a[href], [tabindex]:not([tabindex="-1"])';

/**
 * What identifies a control across re-renders: its data-focus-key; else its form's action, the
 * form's hidden inputs and its own name and value; else its id or its place in its form.
 */
export function controlKey(control: HTMLElement): string {
	if (control.dataset.focusKey) return control.dataset.focusKey;
	const form = formOf(control);
	const name = control.getAttribute('name');
	const own =
		control.id ||
		(name && (hasFixedValue(control) ? `${name}=${(control as HTMLInputElement).value}` : name)) ||
		`${control.tagName}#${form ? [...form.querySelectorAll(CONTROLS)].indexOf(control) : 0}`;
	if (!form) return `${control.tagName}:${own}:${control.id ? '' : control.textContent?.trim()}`;
	const hidden = [...form.querySelectorAll<HTMLInputElement>('input[type="hidden"]')]
		.map((input) => `${input.name}=${input.value}`)
		.join('&');
	return `${form.getAttribute('action') ?? ''}|${hidden}|${own}`;
}

/** A button's or a choice's value is part of what it is; a field's value is what someone typed. */
function hasFixedValue(control: HTMLElement): boolean {
	if (control instanceof HTMLButtonElement) return true;
	return control instanceof HTMLInputElement && (control.type === 'radio' || control.type === 'checkbox');
}

/** A control's form, also when it is tied to one by its form attribute. */
function formOf(control: HTMLElement): HTMLFormElement | null {
	return (control as HTMLButtonElement).form ?? control.closest('form');
}

/** The action a control's form posts to ("?/timer"), to prefer a successor that does the same kind of thing. */
function actionOf(control: HTMLElement): string | null {
	return formOf(control)?.getAttribute('action') ?? null;
}

function usable(control: HTMLElement): boolean {
	return (
		control.isConnected &&
		!(control as HTMLButtonElement).disabled &&
		!control.closest('details:not([open]) > :not(summary)') &&
		control.checkVisibility()
	);
}

function controlsIn(scope: ParentNode): HTMLElement[] {
	return [...scope.querySelectorAll<HTMLElement>(CONTROLS)].filter(usable);
}

/** The section a control belongs to, as a selector that finds it again after a re-render. */
function sectionOf(control: HTMLElement): { element: HTMLElement; selector: string } | null {
	const section = control.closest<HTMLElement>('section[aria-labelledby], section[id]');
	if (!section) return null;
	const selector = section.id
		? `#${CSS.escape(section.id)}`
		: `section[aria-labelledby="${CSS.escape(section.getAttribute('aria-labelledby')!)}"]`;
	return { element: section, selector };
}

interface Used {
	control: HTMLElement;
	key: string;
	action: string | null;
	section: string | null;
	/** Its place among the section's controls, and the section's controls' keys, when it was used. */
	index: number;
	before: Set<string>;
}

function describe(control: HTMLElement): Used {
	const section = sectionOf(control);
	const siblings = section ? controlsIn(section.element) : [];
	return {
		control,
		key: controlKey(control),
		action: actionOf(control),
		section: section?.selector ?? null,
		index: Math.max(0, siblings.indexOf(control)),
		before: new Set(siblings.map(controlKey))
	};
}

/** Where focus goes back to: the control itself, its new copy, or its successor in its section. */
function findAgain(root: HTMLElement, used: Used): HTMLElement | null {
	if (usable(used.control)) return used.control;
	const section = used.section ? root.querySelector<HTMLElement>(used.section) : null;
	const same = controlsIn(root).filter((control) => controlKey(control) === used.key);
	const copy = same.find((control) => section?.contains(control)) ?? same[0];
	if (copy) return copy;
	if (!section) return null;
	const controls = controlsIn(section);
	const added = controls.filter((control) => !used.before.has(controlKey(control)));
	// The same kind of control for the same action (Pause → Resume; Reset → Start), else what is new.
	const alike = (control: HTMLElement) =>
		actionOf(control) === used.action && control.tagName === used.control.tagName;
	const nearest = controls
		.map((control, index) => ({ control, distance: Math.abs(index - used.index) }))
		.filter(({ control }) => alike(control))
		.sort((a, b) => a.distance - b.distance)[0]?.control;
	return (
		added.find(alike) ??
		added[0] ??
		nearest ??
		controls[Math.min(used.index, controls.length - 1)] ??
		headingOf(section)
	);
}

function headingOf(section: HTMLElement): HTMLElement | null {
	const heading = section.querySelector<HTMLElement>('h2, h3');
	heading?.setAttribute('tabindex', '-1');
	return heading;
}

function focusLost(): boolean {
	const active = document.activeElement;
	return !active || active === document.body || active === document.documentElement;
}

/** Attach to the panel's root element. */
export const keepFocus: Attachment<HTMLElement> = (root) => {
	let used: Used | null = null;
	let pressed: EventTarget | null = null;

	const remember = (target: EventTarget | null) => {
		if (!(target instanceof HTMLElement) || !root.contains(target) || target.closest('dialog')) return;
		if (target.matches(CONTROLS)) used = describe(target);
	};
	const restore = () => {
		if (!used || !focusLost()) return;
		findAgain(root, used)?.focus();
	};

	const onFocusIn = (event: FocusEvent) => {
		if (root.contains(event.target as Node)) remember(event.target);
		// SvelteKit focuses the page itself after an action: wait for it to finish, then go back.
		else if (event.target === document.body) queueMicrotask(restore);
	};
	const onFocusOut = (event: FocusEvent) => {
		const target = event.target as HTMLElement;
		// Focus let go on purpose (blur()): the control is still there and nothing else took focus.
		// (After an action SvelteKit focuses the page, a related target; a removed control is gone.)
		if (event.relatedTarget === null)
			queueMicrotask(() => {
				if (used?.control === target && usable(target) && focusLost()) used = null;
			});
	};
	const onPointerDown = (event: PointerEvent) => {
		pressed = event.target;
		// A click on nothing in particular lets go of focus on purpose.
		if (!(event.target instanceof Element) || !event.target.closest(CONTROLS)) used = null;
	};
	const onKeyDown = () => (pressed = null);
	const onSubmit = (event: SubmitEvent) => {
		const form = event.target as HTMLFormElement;
		if (form.method === 'dialog') return;
		const submitter = event.submitter;
		// A control the facilitator clicked or pressed (not one a shortcut clicked for them).
		const byHand =
			submitter &&
			(submitter === document.activeElement || (pressed instanceof Node && submitter.contains(pressed)));
		if (byHand) used = describe(submitter);
		else if (used && usable(used.control)) used = describe(used.control); // its section before this action
	};
	// A live update removed or disabled the focused control.
	const watcher = new MutationObserver(() => {
		if (used && !usable(used.control)) restore();
	});
	watcher.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });

	document.addEventListener('focusin', onFocusIn);
	document.addEventListener('focusout', onFocusOut);
	document.addEventListener('pointerdown', onPointerDown, true);
	document.addEventListener('keydown', onKeyDown, true);
	root.addEventListener('submit', onSubmit, true);
	return () => {
		watcher.disconnect();
		document.removeEventListener('focusin', onFocusIn);
		document.removeEventListener('focusout', onFocusOut);
		document.removeEventListener('pointerdown', onPointerDown, true);
		document.removeEventListener('keydown', onKeyDown, true);
		root.removeEventListener('submit', onSubmit, true);
	};
};
