// A short two-note chime when the timer reaches zero, made with Web Audio (no sound file to load).
// Browsers keep audio muted until someone interacts with the page, hence `enableSound` on a click.
let audio: AudioContext | null = null;

export async function enableSound(): Promise<boolean> {
	audio ??= new AudioContext();
	await audio.resume();
	return audio.state === 'running';
}

export function chime(): void {
	if (!audio || audio.state !== 'running') return;
	[660, 880].forEach((frequency, index) => {
		const oscillator = audio!.createOscillator();
		const gain = audio!.createGain();
		const start = audio!.currentTime + index * 0.25;
		oscillator.frequency.value = frequency;
		gain.gain.setValueAtTime(0.0001, start);
		gain.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
		gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.4);
		oscillator.connect(gain).connect(audio!.destination);
		oscillator.start(start);
		oscillator.stop(start + 0.45);
	});
}
