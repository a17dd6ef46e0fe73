// The live state of a view that follows the room itself — the screen and the facilitator's panel:
// who arrived, the moods, the wall of personal visions. A phone's snapshot has no room, so this code
// is kept out of the phone's download.
import type { Delta, MoodLine, RoomState, SharedVisionCard } from './live';
import { MOOD_LINES_SHOWN, NAMES_SHOWN, PERSONAL_VISIONS_SHOWN } from './live';
import { LiveWorkshop } from './live.svelte';

export class RoomLiveWorkshop extends LiveWorkshop {
	protected override applyToRoom(room: RoomState, delta: Delta): void {
		if (delta.room) Object.assign(room, delta.room);
		if (delta.moodLine) room.moodLines = addLine(room.moodLines, delta.moodLine);
		if (delta.arrived) room.names = [delta.arrived, ...room.names].slice(0, NAMES_SHOWN);
		if (delta.personalVision) room.personalVisions = addVision(room.personalVisions, delta.personalVision);
		if (delta.personalVisionGone) {
			const gone = delta.personalVisionGone;
			room.personalVisions = room.personalVisions.filter((vision) => vision.id !== gone);
		}
	}
}

function addLine(lines: MoodLine[], line: MoodLine): MoodLine[] {
	return [line, ...lines.filter((other) => other.id !== line.id)].slice(0, MOOD_LINES_SHOWN);
}

/** Adds a vision, or replaces its copy, keeping the wall newest first. */
function addVision(visions: SharedVisionCard[], vision: SharedVisionCard): SharedVisionCard[] {
	return [vision, ...visions.filter((other) => other.id !== vision.id)]
		.sort((a, b) => b.createdAt.localeCompare(a.createdAt))
		.slice(0, PERSONAL_VISIONS_SHOWN);
}
