// Which page of a paged scene the room sees: the facilitator's steps (workshop.wall.step) plus the
// turns the screen took on its own (one every `everyMs`, unless paused), modulo the page count.
// Create it while a component initialises: its clock lives as long as the component.

export interface PagerInput {
	/** How many pages there are now. */
	count: number;
	/** The facilitator's pause and steps. */
	paused: boolean;
	step: number;
	/** Time a page stays before the next turns by itself. */
	everyMs: number;
}

export class Pager {
	#turns = $state(0);
	#offset = $state(0);
	#restarts = $state(0);
	#input: () => PagerInput;

	/** `fromFirst`: open on the first page whatever the facilitator's step (the spotlight). */
	constructor(input: () => PagerInput, fromFirst = false) {
		this.#input = input;
		if (fromFirst) this.#offset = -input().step;
		$effect(() => {
			const { count, paused, step, everyMs } = this.#input();
			// A step by the facilitator, or a jump to the first page, gives the new page its full time.
			void [step, this.#restarts];
			if (paused || count < 2) return;
			const timer = setInterval(() => this.#turns++, everyMs);
			return () => clearInterval(timer);
		});
	}

	/** The page shown, from 0. */
	get page(): number {
		const { count, step } = this.#input();
		if (count < 1) return 0;
		return (((step + this.#turns + this.#offset) % count) + count) % count;
	}

	/** Shows the first page now (a new arrival), and counts its time from now. */
	first(): void {
		this.#offset = -(this.#input().step + this.#turns);
		this.#restarts++;
	}
}
