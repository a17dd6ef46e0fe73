// Whether the viewer asked for less motion (prefers-reduced-motion), kept up to date. The server
// cannot know, so it starts as false and is read once the page runs in the browser.
export class ReducedMotion {
	current = $state(false);

	constructor() {
		$effect(() => {
			const query = matchMedia('(prefers-reduced-motion: reduce)');
			this.current = query.matches;
			const changed = () => (this.current = query.matches);
			query.addEventListener('change', changed);
			return () => query.removeEventListener('change', changed);
		});
	}
}
