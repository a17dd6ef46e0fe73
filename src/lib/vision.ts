// The vision statement's pure rules, shared by the server (accepting an amendment) and the control
// panel (working one in by hand).

/**
 * The draft with an amendment applied: its words replace the first occurrence of `target`, or the
 * whole text when it has no target. Null when the target is no longer in the draft.
 */
export function applyAmendment(body: string, target: string | null, proposed: string): string | null {
	if (!target) return proposed;
	if (!body.includes(target)) return null;
	// A function, so that "$&" or "$1" in someone's wording is kept as typed.
	return body.replace(target, () => proposed);
}
