// A workshop's live state in the browser: starts from the server-rendered snapshot, follows the
// stream's versioned deltas, and resyncs from a fresh snapshot whenever it notices a gap.
import type {
	Audience,
	Delta,
	ExciteState,
	GrowState,
	Presence,
	RoomState,
	Snapshot,
	StreamEnded,
	VisionState,
	WorkshopState
} from './live';
import { STORIES_SHOWN, follows } from './live';
import type { StoryCard } from './stories';
import { getContext, setContext } from 'svelte';

export class LiveWorkshop {
	workshop = $state() as WorkshopState;
	room = $state<RoomState | null>(null);
	/** The wall of stories, newest first. */
	stories = $state<StoryCard[]>([]);
	/** The obstacles, their dot vote and the actions. */
	grow = $state() as GrowState;
	/** The rallying cries and their vote. */
	excite = $state() as ExciteState;
	/** The vision statement being written. */
	vision = $state() as VisionState;
	/** False once the stream has dropped, until it is back (the first snapshot came with the page). */
	online = $state(true);
	/** Server time minus this device's clock, so every timer shows the same seconds. */
	clockOffsetMs = $state(0);
	/** The workshop version this view shows (pages expose it as data-version, for tests to wait on). */
	version = $state(0);
	/** Why the stream ended for good (this view's access to the workshop ended), else null. */
	ended = $state<string | null>(null);
	private source: EventSource | null = null;

	private readonly url: string;

	constructor(
		initial: Snapshot,
		joinCode: string,
		private readonly audience: Audience
	) {
		this.url = liveUrl(joinCode, audience);
		this.apply(initial);
	}

	/** Opens the stream; call from an effect and return `stop` as its teardown. */
	start(): () => void {
		this.connect();
		// The browser knows first when the network goes or comes back: say so at once, and reconnect
		// then rather than at EventSource's next retry.
		const offline = () => (this.online = false);
		const online = () => this.connect();
		addEventListener('offline', offline);
		addEventListener('online', online);
		return () => {
			removeEventListener('offline', offline);
			removeEventListener('online', online);
			this.stop();
		};
	}

	stop(): void {
		this.source?.close();
		this.source = null;
	}

	/** Now, by the server's clock. */
	now(): number {
		return Date.now() + this.clockOffsetMs;
	}

	private connect(): void {
		if (this.ended) return;
		this.source?.close();
		const source = new EventSource(this.url);
		this.source = source;
		source.onopen = () => (this.online = true);
		source.onerror = () => {
			this.online = false;
			// EventSource retries by itself after a dropped connection, but gives up on an answer that
			// is not a stream (a proxy's 502 during a deploy): then try again, at a random moment so a
			// whole room does not arrive at once.
			if (source.readyState === EventSource.CLOSED && this.source === source) {
				setTimeout(() => this.source === source && this.connect(), 2000 + Math.random() * 3000);
			}
		};
		source.addEventListener('snapshot', (event) => this.apply(JSON.parse(event.data) as Snapshot));
		source.addEventListener('delta', (event) => this.onDelta(JSON.parse(event.data) as Delta));
		source.addEventListener('ended', (event) => {
			this.ended = (JSON.parse(event.data) as StreamEnded).reason;
			this.online = true; // not a dropped connection: no "reconnecting…"
			this.stop();
		});
		source.addEventListener('presence', (event) => {
			if (this.room) this.room.connected = (JSON.parse(event.data) as Presence).connected;
		});
	}

	private apply(snapshot: Snapshot): void {
		this.version = snapshot.version;
		this.clockOffsetMs = Date.parse(snapshot.serverNow) - Date.now();
		this.workshop = snapshot.workshop;
		this.room = snapshot.room;
		this.stories = snapshot.stories;
		this.grow = snapshot.grow;
		this.excite = snapshot.excite;
		this.vision = snapshot.vision;
	}

	private onDelta(delta: Delta): void {
		if (delta.version <= this.version) return; // already in the snapshot
		if (!follows(delta, this.version)) {
			this.connect(); // missed something (sleep, network switch): start again from a snapshot
			return;
		}
		this.version = delta.version;
		this.clockOffsetMs = Date.parse(delta.serverNow) - Date.now();
		if (delta.workshop) this.workshop = delta.workshop;
		if (this.room) this.applyToRoom(this.room, delta);
		if (delta.stories) this.stories = delta.stories;
		if (delta.grow) this.grow = delta.grow;
		if (delta.excite) this.excite = delta.excite;
		if (delta.recounted) {
			const { recounted } = delta;
			for (const state of [this.grow, this.excite])
				if (state.vote?.id === recounted.id) state.vote = recounted;
		}
		if (delta.vision) this.vision = delta.vision;
		if (delta.story) this.upsertStory(delta.story);
		if (delta.storyGone) this.stories = this.stories.filter((story) => story.id !== delta.storyGone);
		if (delta.reactions) {
			const { storyId, counts } = delta.reactions;
			const story = this.stories.find((candidate) => candidate.id === storyId);
			if (story) story.reactions = counts;
			if (this.workshop.spotlight?.id === storyId) this.workshop.spotlight.reactions = counts;
		}
	}

	/** What the room's own changes do: nothing here (a phone's snapshot has no room); see RoomLiveWorkshop. */
	protected applyToRoom(_room: RoomState, _delta: Delta): void {}

	private upsertStory(story: StoryCard): void {
		const others = this.stories.filter((other) => other.id !== story.id);
		this.stories = [story, ...others]
			.sort((a, b) => b.createdAt.localeCompare(a.createdAt))
			.slice(0, STORIES_SHOWN[this.audience]);
		if (this.workshop.spotlight?.id === story.id) this.workshop.spotlight = story;
	}
}

function liveUrl(joinCode: string, audience: Audience): string {
	return audience === 'participant' ? `/w/${joinCode}/events` : `/w/${joinCode}/events?as=${audience}`;
}

const LIVE = Symbol('live workshop');

/** Shares a page's live workshop with the components and child pages below it. */
export function setLive(live: LiveWorkshop): LiveWorkshop {
	return setContext(LIVE, live);
}

export function getLive(): LiveWorkshop {
	return getContext<LiveWorkshop>(LIVE);
}
