// Row types derived from the generated schema (database.types.ts), as the drivers really return
// them: a query helper picks the columns it selects from `Row<'table'>`, so renaming or retyping a
// column breaks the code that reads it. tests/integration/row-types.test.ts keeps the two
// adjustments below (times and narrowed columns) true to the migrated schema.
import type { Role } from '../accounts';
import type { VoteStatus, VoteSubject } from '../votes';
import type { Stance } from '../vision';
import type { WorkshopStatus } from '../workshops';
import type { Stage } from '$lib/stages';
import type { Consent, Perspective, ReactionKind, StoryKind } from '$lib/stories';
import type { VoteMethod } from '$lib/tally';
import type { Database as Schema } from './database.types';

type Tables = Schema['cx']['Tables'];
type Table = keyof Tables;
type Generated<T extends Table> = Tables[T]['Row'];

/**
 * A point in time: `at` and `*_at` columns are timestamptz; `due_on` and `library_on` are dates.
 * The generator types both as `string`; both drivers (postgres.js and PGlite) return a `Date`.
 * (int8 needs no mapping: the generator says `number`, and both engines parse it to one.)
 */
type TimeColumn = 'at' | `${string}_at` | 'due_on' | 'library_on';

type WithDates<R> = { [C in keyof R]: C extends TimeColumn ? Date | Extract<R[C], null> : R[C] };

/** Each override must name a real column and narrow its generated type, never widen it. */
type Narrowing<N> = {
	[T in keyof N]: T extends Table
		? { [C in keyof N[T]]: C extends keyof Generated<T> ? Generated<T>[C] : never }
		: never;
};
type Checked<N extends Narrowing<N>> = N;

/**
 * Columns the app knows more precisely than the generator, which types a check constraint's `text`
 * as `string` and a jsonb column as `Json`: the one place these unions meet the schema.
 */
export type Narrowed = Checked<{
	/** The ballots_check trigger lets only the ids of the vote's options in. */
	ballots: { choices: string[] };
	invites: { role: Role };
	memberships: { role: Role };
	reactions: { kind: ReactionKind };
	stage_ready: { stage: Stage };
	stories: { kind: StoryKind; perspective: Perspective; consent: Consent };
	vision_checks: { stance: Stance };
	votes: { subject: VoteSubject; method: VoteMethod; status: VoteStatus };
	workshops: { stage: Stage; status: WorkshopStatus };
}>;

type NarrowedIn<T extends Table> = T extends keyof Narrowed ? Narrowed[T] : Record<never, never>;

type Simplify<R> = { [C in keyof R]: R[C] };

/** A row of `T` as a query returns it; `Pick` the columns a query selects. */
export type Row<T extends Table> = Simplify<
	Omit<WithDates<Generated<T>>, keyof NarrowedIn<T>> & NarrowedIn<T>
>;

/** `R` with columns that the query's `where … is not null` rules out made non-null. */
export type NonNull<R, C extends keyof R> = Simplify<Omit<R, C> & { [K in C]: NonNullable<R[K]> }>;
