// A projector cannot scroll, so every scene fits its frame in one of three ways, measured in the
// browser as it lays the scene out (and again whenever the window or the content changes):
// `fitItems` shows the list items that fit and reports how many did not ("+N more"), `clampLines`
// cuts long text at the last whole line that fits (with an ellipsis), and `fitText` scales a
// headline to the largest size that fits its box.
import type { Attachment } from 'svelte/attachments';

/**
 * Runs `fit` now and whenever the element is resized or its content changes, before the browser
 * paints (observers, not animation frames: nothing flashes unfitted); returns the teardown.
 */
function refit(node: HTMLElement, fit: () => void): () => void {
	let live = true;
	const again = () => live && fit();
	fit();
	const resized = new ResizeObserver(again);
	resized.observe(node);
	// Content only: the fitting itself sets style attributes, which must not start it again.
	const changed = new MutationObserver(again);
	changed.observe(node, { childList: true, subtree: true, characterData: true });
	// Fonts can change widths after the first layout.
	void document.fonts?.ready.then(again);
	return () => {
		live = false;
		resized.disconnect();
		changed.disconnect();
	};
}

/**
 * Hides the children of a list (in order) from the first one that does not fit inside the list's
 * box, and reports how many are hidden. The list needs a bounded size and `position: relative`.
 */
export function fitItems(onfit: (hidden: number) => void): Attachment<HTMLElement> {
	return (list) => {
		let reported = -1;
		return refit(list, () => {
			const items = [...list.children] as HTMLElement[];
			for (const item of items) item.style.removeProperty('display');
			// Layout positions, not transformed boxes: an item still animating in counts where it lands.
			const first = items.findIndex(
				(item) =>
					item.offsetTop + item.offsetHeight > list.clientHeight + 0.5 ||
					item.offsetLeft + item.offsetWidth > list.clientWidth + 0.5
			);
			const shown = first === -1 ? items.length : first;
			for (const item of items.slice(shown)) item.style.display = 'none';
			const hidden = items.length - shown;
			if (hidden !== reported) onfit((reported = hidden));
		});
	};
}

/**
 * Clamps each `[data-clamp]` element inside the container to the whole lines that fit the space
 * the layout gives it, and shrinks it to those lines (no part of a line shows below them). All are
 * released first and measured together, so they share the space the same way every time.
 */
export const clampLines: Attachment<HTMLElement> = (container) =>
	refit(container, () => {
		const texts = [...container.querySelectorAll<HTMLElement>('[data-clamp]')];
		for (const text of texts) {
			text.style.removeProperty('-webkit-line-clamp');
			text.style.removeProperty('max-height');
		}
		const room = texts.map((text) => {
			const lineHeight = parseFloat(getComputedStyle(text).lineHeight) || text.clientHeight;
			const lines = Math.max(1, Math.floor((text.clientHeight + 1) / lineHeight));
			return { lines, height: lines * lineHeight };
		});
		texts.forEach((text, index) => {
			text.style.setProperty('-webkit-line-clamp', String(room[index]!.lines));
			text.style.maxHeight = `${room[index]!.height}px`;
		});
	});

export interface FitTextOptions {
	/** Smallest and largest font size, as multiples of the font size the element inherits. */
	min: number;
	max: number;
	/** At most this many lines (a headline on one or two). */
	lines?: number;
	/**
	 * When even the smallest size does not fit: `clamp` cuts the text at the last whole line that
	 * fits (with an ellipsis); a number lays it out in pages of the box's size, this far apart (in
	 * ems), and `--page-width` on the box is then the distance from one page to the next.
	 */
	overflow: 'clamp' | number;
	/** Told how many pages the text takes (1 when it fits; 0 when it is clamped). */
	onfit?: (pages: number) => void;
}

const OVERFLOW = [
	'height',
	'column-width',
	'column-gap',
	'column-fill',
	'display',
	'-webkit-box-orient',
	'overflow'
];

/**
 * Scales the text of the element's first child to the largest size at which it fits the element's
 * box (and `lines`), or pages it. The element's size must not depend on its content.
 */
export function fitText(options: FitTextOptions): Attachment<HTMLElement> {
	return (box) => {
		let reported = -1;
		const report = (pages: number) => {
			if (pages !== reported) options.onfit?.((reported = pages));
		};
		return refit(box, () => {
			// Read each time: the text element may have been re-rendered.
			const text = box.firstElementChild as HTMLElement | null;
			if (!text) return;
			for (const property of ['font-size', '-webkit-line-clamp', ...OVERFLOW])
				text.style.removeProperty(property);
			const lineHeight = () => parseFloat(getComputedStyle(text).lineHeight);
			// The box's own overflow, as the browser rounds it (the text's box alone may round under).
			const fits = () =>
				box.scrollWidth <= box.clientWidth &&
				box.scrollHeight <= box.clientHeight &&
				text.scrollWidth <= text.clientWidth &&
				(!options.lines || text.offsetHeight <= lineHeight() * options.lines + 1);
			const base = parseFloat(getComputedStyle(text).fontSize);
			const at = (scale: number) => {
				text.style.fontSize = `${base * scale}px`;
				return fits();
			};
			let low = options.min;
			let high = options.max;
			if (!at(low)) {
				if (options.overflow === 'clamp') {
					const lines = Math.min(options.lines ?? Infinity, Math.floor(box.clientHeight / lineHeight()));
					text.style.display = '-webkit-box';
					text.style.overflow = 'hidden';
					text.style.setProperty('-webkit-box-orient', 'vertical');
					text.style.setProperty('-webkit-line-clamp', String(Math.max(1, lines)));
					return report(0);
				}
				const gap = base * low * options.overflow;
				text.style.height = `${box.clientHeight}px`;
				text.style.columnWidth = `${box.clientWidth}px`;
				text.style.columnGap = `${gap}px`;
				text.style.columnFill = 'auto';
				box.style.setProperty('--page-width', `${box.clientWidth + gap}px`);
				return report(Math.max(1, Math.round((text.scrollWidth + gap) / (box.clientWidth + gap))));
			}
			if (!at(high)) {
				for (let step = 0; step < 10; step++) {
					const middle = (low + high) / 2;
					if (at(middle)) low = middle;
					else high = middle;
				}
				at(low);
			}
			report(1);
		});
	};
}
