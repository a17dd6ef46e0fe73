// A short two-note chime when the timer reaches zero, made with Web Audio (no sound file to load).
// Browsers keep audio muted until someone interacts with the page, hence `enableSound` on a click
// or a key press; `disableSound` mutes it again.
let audio: AudioContext | null = null;
let muted = true;

/** Starts audio; false while the browser waits for someone to click or press a key first. */
export async function enableSound(): Promise<boolean> {
	muted = false;
	// Before any gesture, resume() would wait for one rather than fail: do not wait with it.
	if (navigator.userActivation && !navigator.userActivation.hasBeenActive) return false;
	audio ??= new AudioContext();
	await audio.resume();
	return audio.state === 'running';
}

export function disableSound(): void {
	muted = true;
}

export function chime(): void {
	if (!audio || muted || audio.state !== 'running') return;
	const context = audio;
	[660, 880].forEach((frequency, index) => {
		const oscillator = context.createOscillator();
		const gain = context.createGain();
		const start = context.currentTime + index * 0.25;
		oscillator.frequency.value = frequency;
		gain.gain.setValueAtTime(0.0001, start);
		gain.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
		gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.4);
		oscillator.connect(gain).connect(context.destination);
		oscillator.start(start);
		oscillator.stop(start + 0.45);
	});
}
