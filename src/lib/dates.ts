// Dates as the pages show them ("4 Mar 2026"). One formatter each: building one per call is slow.
const short = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
const long = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });

export const shortDate = (date: Date): string => short.format(date);
export const longDate = (date: Date): string => long.format(date);
