// How an action's status is shown, everywhere: words and an icon, never colour alone.
export type ActionStatus = 'open' | 'in_progress' | 'done' | 'dropped';

export const ACTION_STATUS: Record<ActionStatus, { label: string; icon: string }> = {
	open: { label: 'Open', icon: '☐' },
	in_progress: { label: 'In progress', icon: '◐' },
	done: { label: 'Done', icon: '☑' },
	dropped: { label: 'Dropped', icon: '✕' }
};

export const ACTION_STATUSES = Object.keys(ACTION_STATUS) as ActionStatus[];
